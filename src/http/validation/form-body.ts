/**
 * An application/x-www-form-urlencoded body as the query string is read: every field a string, a
 * repeated field an array (which a string schema then refuses, naming it) rather than the last
 * value silently winning. Numbers are never read here; a schema asking for one refuses the string.
 */
export function formFields(text: string): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = Object.create(null);
  for (const [name, value] of new URLSearchParams(text)) {
    const previous = fields[name];
    fields[name] =
      previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value];
  }
  return { ...fields };
}
