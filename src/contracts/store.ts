import type { Knex } from 'knex'
import type { RelatedRows } from '../engine/group-commit.js'

export const FUNDING_STATUSES = ['received', 'missing'] as const
export type FundingStatus = (typeof FUNDING_STATUSES)[number]

export interface FundingConfirmation {
  community: string
  status: FundingStatus
  amount: number | null
  staffArrived: boolean | null
  note: string | null
  confirmedBy: string
  at: string
}

interface DbFundingRow {
  seq: number
  task_seq: number
  community_id: string
  status: FundingStatus
  amount: string | number | null
  staff_arrived: boolean | number | null
  note: string | null
  confirmed_by: string
  created_at: string
}

const fromRow = (r: DbFundingRow): FundingConfirmation => ({
  community: r.community_id,
  status: r.status,
  // pg returns decimals as strings; SQLite as numbers.
  amount: r.amount === null ? null : Number(r.amount),
  staffArrived: r.staff_arrived === null ? null : Boolean(r.staff_arrived),
  note: r.note,
  confirmedBy: r.confirmed_by,
  at: r.created_at
})

/** A confirmation as the rows the engine writes with the FUNDING_* step: both commit or neither. */
export function confirmationRows(c: FundingConfirmation): RelatedRows {
  return {
    table: 'funding_confirmations',
    seqColumn: 'task_seq',
    rows: [
      {
        community_id: c.community,
        status: c.status,
        amount: c.amount,
        staff_arrived: c.staffArrived,
        note: c.note,
        confirmed_by: c.confirmedBy,
        created_at: c.at
      }
    ]
  }
}

/** Every confirmation of a task, oldest first: a community's word may change, and each one is kept. */
export async function confirmationsOf(db: Knex, taskSeq: number): Promise<FundingConfirmation[]> {
  const rows = (await db<DbFundingRow>('funding_confirmations').where({ task_seq: taskSeq }).orderBy('seq')) as DbFundingRow[]
  return rows.map(fromRow)
}

/** The latest word of each target community on a task's funding. */
export async function latestConfirmations(db: Knex, taskSeq: number): Promise<Map<string, FundingConfirmation>> {
  return new Map((await confirmationsOf(db, taskSeq)).map((c) => [c.community, c]))
}
