// Fills {name} placeholders. Deliberately this small: no plural or select syntax to parse.
export type Vars = Record<string, string | number>;

/** Replaces each {name} with its value; an unknown placeholder is left as it is. */
export function fill(template: string, vars: Vars = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}
