import type { Knex } from 'knex'
import { Problems, type InvalidParam } from '../platform/errors.js'
import { alternatives } from '../platform/language.js'
import { ORG_KIND_NAMES, type OrgKind } from '../roles.js'
import type { WorkingCalendar } from '../calendar/working-days.js'
import { checkCoveredDates } from '../policy/dates.js'
import type { TaskDeclaration } from '../policy/types.js'
import type { Decider } from './store.js'
import type { OrgDirectory } from '../policy/org-directory.js'
import type { OrgUnit } from '../policy/org-units.js'
import type { TaskChangesT, TaskInputT } from './schemas.js'

/** Fills the fields a department may leave out with their "not declared" value. */
export function normalizeDeclaration(input: TaskInputT): TaskDeclaration {
  return {
    title: input.title,
    description: input.description ?? '',
    targetLevel: input.targetLevel,
    targets: input.targets,
    kind: input.kind,
    catalogItem: input.catalogItem ?? null,
    certificate: input.certificate ?? null,
    legalBasis: input.legalBasis ?? [],
    funding: input.funding ?? null,
    authority: input.authority ?? null,
    period: input.period,
    workloadHours: input.workloadHours
  }
}

export function applyChanges(d: TaskDeclaration, changes: TaskChangesT | undefined): { declaration: TaskDeclaration; changed: string[] } {
  if (!changes) return { declaration: d, changed: [] }
  const changed = Object.keys(changes).sort()
  return { declaration: { ...d, ...changes } as TaskDeclaration, changed }
}

/** Checks that need no database: the schema cannot express them. */
export function checkDeclarationShape(d: TaskDeclaration, calendar: WorkingCalendar): void {
  checkCoveredDates(calendar, [
    { field: 'period.start', value: d.period.start },
    { field: 'period.end', value: d.period.end }
  ])
  if (d.period.end < d.period.start) {
    throw Problems.validation({ zh: '期间的结束日期早于开始日期', en: 'the period ends before it starts' }, [
      { field: 'period.end', message: { zh: '不得早于period.start', en: 'must not be before period.start' } }
    ])
  }
  if (d.kind === 'certificate' && d.certificate === null) {
    throw Problems.validation({ zh: '证明类任务须写明所开具的证明', en: 'a certificate task must name the certificate' }, [
      { field: 'certificate', message: { zh: '在kind为certificate时为必填项', en: 'required when kind is certificate' } }
    ])
  }
}

async function checkUnits(orgs: OrgDirectory, db: Knex, ids: string[], field: string, kinds: readonly OrgKind[], jurisdiction: OrgUnit): Promise<void> {
  const reachable = await orgs.within(db, ids, jurisdiction.id, kinds)
  const names = alternatives(kinds.map((k) => ORG_KIND_NAMES[k].zh))
  const invalid: InvalidParam[] = ids
    .map((id, i) => ({ id, i, unit: reachable.get(id) }))
    .filter(({ unit }) => unit === undefined || unit.closedAt !== null)
    .map(({ id, i, unit }) => ({
      field: `${field}[${i}]`,
      message:
        unit === undefined
          ? { zh: `“${id}”不是${jurisdiction.name}（${jurisdiction.id}）辖区内的${names.zh}`, en: `"${id}" is not a ${kinds.join(' or ')} in ${jurisdiction.name} (${jurisdiction.id})` }
          : { zh: `“${id}”（${unit.name}）已于${unit.closedAt!.slice(0, 10)}撤销，不再承接任务`, en: `"${id}" (${unit.name}) was closed on ${unit.closedAt!.slice(0, 10)} and takes no new work` }
    }))
  if (invalid.length > 0) {
    throw Problems.validation(
      { zh: `字段“${field}”中有${invalid.length}项不是${jurisdiction.id}辖区内的${names.zh}`, en: `${invalid.length} of ${field} are not ${kinds.join(' or ')} units of ${jurisdiction.id}` },
      invalid.slice(0, 20) as [InvalidParam, ...InvalidParam[]]
    )
  }
}

/**
 * Targets must exist, be of the task's target level, and lie inside the
 * jurisdiction of the submitting department: a district department cannot push
 * work onto another district's communities.
 */
export const checkTargets = (orgs: OrgDirectory, db: Knex, d: TaskDeclaration, jurisdiction: OrgUnit): Promise<void> =>
  checkUnits(orgs, db, d.targets, 'targets', [d.targetLevel], jurisdiction)

/** A consultation asks streets and communities of the deciding jurisdiction. */
export const checkInvited = (orgs: OrgDirectory, db: Knex, invited: string[], jurisdiction: OrgUnit): Promise<void> =>
  checkUnits(orgs, db, invited, 'consultation.invited', ['street', 'community'], jurisdiction)

export function deciderFor(jurisdiction: OrgUnit, d: TaskDeclaration): Decider {
  return {
    level: jurisdiction.kind === 'city' ? 'city' : 'district',
    orgUnit: jurisdiction.id,
    // wuhan-2015 解读3: the leading group decides community items; wuhan-2015 解读2 and qingdao-shinan-2018: a new
    // street item needs the party committee and government of the same level.
    body: d.targetLevel === 'community' ? 'leading_group' : 'party_committee_and_government'
  }
}
