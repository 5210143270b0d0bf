import { h } from './dom';

/**
 * Saves a download the API answered (a CSV or JSON file, or a large one fetched through
 * the 303 link) under the name its `Content-Disposition` gives, else `fallbackName`.
 * Resolves the name used.
 */
export async function saveResponse(response: Response, fallbackName: string): Promise<string> {
  const blob = await response.blob();
  const name = fileNameOf(response) ?? fallbackName;
  const url = URL.createObjectURL(blob);
  const link = h('a', { attrs: { href: url, download: name, hidden: true } });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return name;
}

function fileNameOf(response: Response): string | undefined {
  const disposition = response.headers.get('content-disposition') ?? '';
  const name = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition)?.[1];
  return name ? decodeURIComponent(name) : undefined;
}
