import type { FastifyInstance, FastifyRequest } from 'fastify'
import { Problems } from '../platform/errors.js'
import { alternatives } from '../platform/language.js'
import { administersAll, type Principal } from '../platform/auth.js'
import { ORG_KIND_NAMES, ROLE_ORG_KINDS } from '../roles.js'
import type { GateContext } from '../tasks/service.js'

/**
 * A verified token is believed only for an org that exists, is open, and is of a kind
 * its role acts for. Without this, every route's comparison of ids would have to guard
 * against an "office" of a community or a "community" token of a district.
 */
export function checkPrincipals(app: FastifyInstance, gate: GateContext): void {
  app.addHook('onRequest', async (req: FastifyRequest) => {
    const p = req.principal
    // Routes of plugins registered before the auth plugin (the docs UI) have no principal at all.
    if (p === null || p === undefined) return
    const chain = await gate.orgs.lineage(gate.db, p.org)
    const unit = chain[0]
    if (unit === undefined) throw Problems.forbidden({ zh: `令牌所属机构“${p.org}”不存在`, en: `the token's org "${p.org}" does not exist` })
    if (unit.closedAt !== null) {
      throw Problems.forbidden({ zh: `令牌所属机构“${p.org}”（${unit.name}）已撤销`, en: `the token's org "${p.org}" (${unit.name}) is closed` })
    }
    const kinds = ROLE_ORG_KINDS[p.role]
    if (!kinds.includes(unit.kind)) {
      const needed = alternatives(kinds.map((k) => ORG_KIND_NAMES[k].zh))
      throw Problems.forbidden({
        zh: `${p.role}角色须属于${needed.zh}，令牌所属机构“${p.org}”是${ORG_KIND_NAMES[unit.kind].zh}`,
        en: `the role ${p.role} acts for a ${kinds.join(' or ')}; the token's org "${p.org}" is a ${unit.kind}`
      })
    }
    if (p.role === 'admin') req.principal = { ...p, administersAll: chain.length === 1 }
  })
}

/** Whether an admin administers the unit: it is the admin's own org or lies below it. */
export async function administers(gate: GateContext, p: Principal, unitId: string): Promise<boolean> {
  if (p.role !== 'admin') return false
  if (administersAll(p)) return true
  return (await gate.orgs.lineage(gate.db, unitId)).some((u) => u.id === p.org)
}

/** Refuses an admin outside its part of the tree, naming the unit it reached for. */
export async function requireAdministers(gate: GateContext, p: Principal, unitId: string): Promise<void> {
  if (await administers(gate, p, unitId)) return
  throw Problems.forbidden({ zh: `${unitId}不在${p.org}管理员的管辖范围内`, en: `${unitId} is outside what the admin of ${p.org} administers` })
}
