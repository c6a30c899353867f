/**
 * @module embedded/records/excerpt
 * The `:excerpt(max, withEllipsis?)` modifier of the `fields` query param
 * (PocketBase's tools/picker/excerpt_modifier.go): the value's plain text
 * (tags stripped, the content of script/style/form-like tags dropped, block
 * tags as spaces, whitespace collapsed), cut to `max` characters.
 */
import { ApiError } from '../api-error.js';

const dropped = ['head', 'style', 'script', 'iframe', 'embed', 'applet', 'object', 'svg', 'img', 'picture', 'dialog', 'template', 'button', 'form', 'textarea', 'input', 'select', 'option'];
const inline = new Set(['a', 'abbr', 'acronym', 'b', 'bdo', 'big', 'br', 'button', 'cite', 'code', 'em', 'i', 'label', 'q', 'small', 'span', 'strong', 'strike', 'sub', 'sup', 'time']);
const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', '#39': "'" };

function plainText(html: string): string {
  let text = html;
  for (const tag of dropped) text = text.replace(new RegExp(`<${tag}\\b[^>]*>[\\s\\S]*?</${tag}\\s*>|<${tag}\\b[^>]*/?>`, 'gi'), ' ');
  text = text.replace(/<!--[\s\S]*?-->/g, '').replace(/<\/?([a-zA-Z][\w-]*)[^>]*>/g, (_, tag: string) => (inline.has(tag.toLowerCase()) ? '' : ' '));
  text = text.replace(/&(#\d+|#x[\da-f]+|\w+);/gi, (whole, name: string) => {
    if (name.startsWith('#x') || name.startsWith('#X')) return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(Number(name.slice(1)));
    return entities[name.toLowerCase()] ?? whole;
  });
  return text.replace(/\s+/g, ' ').trim();
}

/** Parses `excerpt(200, true)` arguments; a bad one is a 400, as upstream. */
export function excerptOf(value: unknown, args: string[]): unknown {
  if (args.length === 0 || args.length > 2) throw new ApiError(400);
  const max = Number.parseInt(args[0]!.trim(), 10);
  if (!Number.isFinite(max) || max <= 0) throw new ApiError(400);
  const ellipsis = ['1', 't', 'true'].includes((args[1] ?? '').trim().toLowerCase());
  if (typeof value !== 'string') return value;
  const text = plainText(value);
  const chars = [...text];
  if (chars.length <= max) return text;
  return chars.slice(0, max).join('').trim() + (ellipsis ? '...' : '');
}
