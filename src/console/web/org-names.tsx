import { useEffect, useState } from 'preact/hooks'
import { api, call } from './api'

let names: Promise<Map<string, string>> | null = null
/** The names of the departments, districts and cities, read once: results and rounds name units by id. */
function orgNames(): Promise<Map<string, string>> {
  names ??= (async () => {
    const found = new Map<string, string>()
    for (const kind of ['department', 'district', 'city'] as const) {
      let cursor: string | undefined
      do {
        const page = await call(api.GET('/v1/org-units', { params: { query: { kind, includeClosed: true, limit: 200, ...(cursor ? { cursor } : {}) } } }))
        for (const u of page.items) found.set(u.id, u.name)
        cursor = page.nextCursor ?? undefined
      } while (cursor)
    }
    return found
  })()
  return names
}

const single = new Map<string, Promise<string | null>>()
/** A unit's name: from the names read at once, or (a street, a community: a city has thousands) read alone, once. */
function orgName(id: string): Promise<string | null> {
  return orgNames().then((m) => {
    const known = m.get(id)
    if (known !== undefined) return known
    if (!single.has(id)) single.set(id, call(api.GET('/v1/org-units/{id}', { params: { path: { id } } })).then((u) => u.name, () => null))
    return single.get(id)!
  })
}

/** A unit's name where it is known, its id otherwise; the id stays readable on hover. */
export function OrgName({ id }: { id: string }) {
  const [name, setName] = useState<string | null>(null)
  useEffect(() => {
    let live = true
    orgName(id).then(
      (n) => live && setName(n),
      () => undefined
    )
    return () => {
      live = false
    }
  }, [id])
  return name === null ? <code>{id}</code> : <span title={id}>{name}</span>
}
