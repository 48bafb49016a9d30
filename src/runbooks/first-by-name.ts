/**
 * The first item of a list that has a given name, as a YAML outline finds a mapping's key: a
 * scan for a short list, and for a long one an index built on first use, so a lookup never scans
 * a mapping of 50,000 keys.
 */
export class FirstByName<T> {
  private readonly indexes = new WeakMap<readonly T[], Map<string, T>>();

  /** `nameOf` gives undefined for an item that has no name to look up. */
  constructor(private readonly nameOf: (item: T) => string | undefined) {}

  find(items: readonly T[], name: string): T | undefined {
    if (items.length < 32) return items.find((item) => this.nameOf(item) === name);
    let index = this.indexes.get(items);
    if (!index) {
      index = new Map();
      for (const item of items) {
        const itemName = this.nameOf(item);
        if (itemName !== undefined && !index.has(itemName)) index.set(itemName, item);
      }
      this.indexes.set(items, index);
    }
    return index.get(name);
  }
}
