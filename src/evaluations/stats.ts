import type { Knex } from 'knex'
import { Type, type Static } from 'typebox'
import { Nullable } from '../platform/schemas.js'
import { listRounds, type RoundRecord } from './store.js'

/** A department's figures in one published round: what its scorecard and the register show over time. */
export const DepartmentRoundFigures = Type.Object({
  round: Type.String({ format: 'uuid' }),
  area: Type.String(),
  period: Type.String(),
  publishedAt: Type.String({ format: 'date-time' }),
  n: Type.Integer({ description: 'ratings counted' }),
  satisfactionScore: Nullable(Type.Number()),
  satisfactionRate: Nullable(Type.Number()),
  targetMet: Nullable(Type.Boolean()),
  total: Nullable(Type.Number()),
  rank: Nullable(Type.Integer()),
  ranked: Type.Integer({ description: 'how many departments of the round were ranked' }),
  href: Type.String({ description: 'the round’s published result' })
})

export type DepartmentRoundFiguresT = Static<typeof DepartmentRoundFigures>

export function figuresOf(round: RoundRecord, department: string): DepartmentRoundFiguresT {
  const result = round.result!
  const row = result.departments.find((d) => d.department === department)!
  return {
    round: round.id,
    area: round.areaId,
    period: round.period,
    publishedAt: round.publishedAt!,
    n: row.n,
    satisfactionScore: row.satisfaction.score,
    satisfactionRate: row.satisfaction.rate,
    targetMet: row.satisfaction.met,
    total: row.total,
    rank: row.rank,
    ranked: result.departments.filter((d) => d.rank !== null).length,
    href: `/v1/register/evaluations/${round.id}`
  }
}

/** The published rounds that rated a department, newest first, keyset-paged. */
export async function departmentRounds(db: Knex, department: string, limit: number, beforeSeq: number | null): Promise<{ items: DepartmentRoundFiguresT[]; nextSeq: number | null }> {
  const page = await listRounds(db, { state: 'published', scope: { kind: 'department', departmentId: department } }, limit, beforeSeq)
  return { items: page.items.map((r) => figuresOf(r, department)), nextSeq: page.nextSeq }
}
