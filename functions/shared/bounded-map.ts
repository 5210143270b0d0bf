/**
 * Stores `value` under `key` as the newest entry of `map` (a Map keeps insertion order),
 * then drops the oldest entries beyond `max`: the per-instance memories (recent reads,
 * verified tokens, allowance guesses) stay bounded however many keys pass through.
 */
export function setBounded<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  map.delete(key);
  map.set(key, value);
  for (const oldest of map.keys()) {
    if (map.size <= max) break;
    map.delete(oldest);
  }
}
