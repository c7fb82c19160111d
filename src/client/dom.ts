// Small DOM helpers. User text only ever goes in through textContent.

type Attrs = Record<string, string | number | boolean | undefined>;

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  children: Array<Node | string> = [],
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (name === 'class') node.className = String(value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) node.append(child);
  return node;
}

/** The element with this id, of the expected type; throws if the page markup is missing it. */
export function byId<T extends HTMLElement>(id: string, type: new () => T): T {
  const node = document.getElementById(id);
  if (!(node instanceof type)) throw new Error(`#${id} missing or not a ${type.name}`);
  return node;
}

export function maybeById<T extends HTMLElement>(id: string, type: new () => T): T | null {
  const node = document.getElementById(id);
  return node instanceof type ? node : null;
}

/**
 * Author colours come from the server as data-color. Inline style attributes are blocked by the
 * CSP, but setting a custom property through the CSSOM is not.
 */
export function applyColor(node: HTMLElement, color: string | undefined): void {
  if (color) node.style.setProperty('--nick-color', color);
}

export function applyColors(root: ParentNode): void {
  for (const node of root.querySelectorAll<HTMLElement>('[data-color]')) applyColor(node, node.dataset.color);
}

export function nick(user: { nickname: string; color: string }, className = 'nick'): HTMLSpanElement {
  const span = el('span', { class: className, 'data-color': user.color }, [user.nickname]);
  applyColor(span, user.color);
  return span;
}
