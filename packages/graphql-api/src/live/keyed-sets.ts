/**
 * Adds `member` to the set of `key` in `map` and returns the function that removes it again; a
 * key whose set becomes empty is dropped, so the map only ever holds keys somebody is in.
 */
export function addToKeyedSet<T>(map: Map<string, Set<T>>, key: string, member: T): () => void {
  let members = map.get(key);
  if (!members) {
    members = new Set();
    map.set(key, members);
  }
  members.add(member);
  return () => {
    const current = map.get(key);
    if (!current) return;
    current.delete(member);
    if (current.size === 0) map.delete(key);
  };
}
