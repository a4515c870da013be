import { NotManagedError } from "../provider.ts";

/**
 * The one ownership check of every AWS write and delete (Secrets Manager and Parameter Store, write-through
 * and PushSecret): an existing remote secret is ours only when it carries every owner tag with its value.
 * ESO checks `managed-by` alone; requiring all of them is what keeps two clusters or two namespaces that map
 * to one name from overwriting each other. The message names the tag, never a value (the value may be
 * another tenant's namespace).
 */
export function checkOwner(what: string, tags: ReadonlyArray<{ Key?: string | undefined; Value?: string | undefined }> | undefined, owner: Readonly<Record<string, string>>): void {
  const actual = new Map((tags ?? []).map((t) => [t.Key ?? "", t.Value ?? ""]));
  for (const [key, value] of Object.entries(owner)) {
    if (actual.get(key) !== value) throw new NotManagedError(`${what} exists and is not managed by Ferry for this object (tag "${key}" missing or different); refusing to write or delete it`);
  }
}
