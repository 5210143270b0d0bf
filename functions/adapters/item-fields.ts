/**
 * An item's fields without its storage attributes (keys, index keys, entity). A plain
 * loop: object rest with excluded keys cost ~4 µs per item, which a 50-ticket queue page
 * and a 100,000-row export both felt.
 */
export function fieldsOf(
  item: Record<string, unknown>,
  storage: ReadonlySet<string>,
): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const name of Object.keys(item)) {
    if (!storage.has(name)) fields[name] = item[name];
  }
  return fields;
}

/** The attributes every item has for storage only. */
const STORAGE_KEYS: ReadonlySet<string> = new Set(['pk', 'sk', 'entity']);

/** An item without its storage keys. */
export function withoutKeys<T>(item: Record<string, unknown>): T {
  return fieldsOf(item, STORAGE_KEYS) as T;
}
