/** Small DOM helpers: no framework, no innerHTML with data (text goes in as text). */

type Child = Node | string | null | undefined | false;

export interface ElementProps {
  className?: string;
  /** Attributes; `false`/`undefined` leave one out, `true` sets it empty. */
  attrs?: Record<string, string | number | boolean | undefined>;
  /** Listeners, e.g. `{click: () => …}`. */
  on?: Partial<Record<keyof HTMLElementEventMap, (event: Event) => void>>;
}

/** Creates an element with attributes and children; strings become text nodes. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: ElementProps | null = null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (props?.className) element.className = props.className;
  for (const [name, value] of Object.entries(props?.attrs ?? {})) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const [type, listener] of Object.entries(props?.on ?? {})) {
    element.addEventListener(type, listener);
  }
  element.append(...children.filter((c): c is Node | string => !!c || c === ''));
  return element;
}

/** The element with this id, of the expected type; a missing one is a bug in the page. */
export function byId<T extends HTMLElement = HTMLElement>(
  id: string,
  type?: abstract new () => T,
): T {
  const element = document.getElementById(id);
  if (!element || (type && !(element instanceof type))) {
    throw new Error(`The page has no #${id}${type ? ` of type ${type.name}` : ''}.`);
  }
  return element as T;
}

/** Replaces the children of `parent`. */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren(...children.filter((c): c is Node | string => !!c || c === ''));
}

/** Shows a message in a live region (role=status or role=alert) and unhides it. */
export function announce(
  region: HTMLElement,
  text: string,
  kind: 'info' | 'success' | 'error' = 'info',
): void {
  region.hidden = text === '';
  region.dataset.kind = kind;
  region.textContent = text;
}

/** Disables a button while `work` runs, so a double click does not send twice. */
export async function busy<T>(button: HTMLButtonElement, work: () => Promise<T>): Promise<T> {
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try {
    return await work();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
}
