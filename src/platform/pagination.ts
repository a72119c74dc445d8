import { Problems } from './errors.js'

/** Cursors are opaque to clients; inside they carry the last row's seq. */
export const encodeCursor = (seq: number | null): string | null => (seq === null ? null : Buffer.from(`s${seq}`).toString('base64url'))

export function decodeCursor(cursor: string | undefined): number | null {
  if (cursor === undefined) return null
  const m = /^s(\d{1,10})$/.exec(Buffer.from(cursor, 'base64url').toString())
  // Row numbers are 32-bit integers in the database; anything larger was never issued.
  if (!m || Number(m[1]) > 2 ** 31 - 1) {
    throw Problems.validation({ zh: '该游标不是本服务器签发的', en: 'the cursor is not one this server issued' }, [
      { field: 'cursor', message: { zh: '不是有效的分页游标', en: 'is not a valid cursor' } }
    ])
  }
  return Number(m[1])
}
