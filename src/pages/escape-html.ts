/**
 * @module pages/escape-html
 * The escaping of `<%= %>` output: the same entities as EJS (`&amp; &lt; &gt; &#34; &#39;`),
 * `undefined`/`null` as the empty string. A character loop instead of EJS's regex with a
 * callback: most values have nothing to escape and come back as they are, without a copy.
 *
 * @example
 * escapeHtml('<b>"x"</b>'); // '&lt;b&gt;&#34;x&#34;&lt;/b&gt;'
 */
export function escapeHtml(value: unknown): string {
  if (value === undefined || value === null) return '';
  const text = typeof value === 'string' ? value : String(value);
  let out = '';
  let last = 0;
  for (let i = 0; i < text.length; i++) {
    let entity: string;
    switch (text.charCodeAt(i)) {
      case 38: entity = '&amp;'; break;
      case 60: entity = '&lt;'; break;
      case 62: entity = '&gt;'; break;
      case 34: entity = '&#34;'; break;
      case 39: entity = '&#39;'; break;
      default: continue;
    }
    if (last !== i) out += text.slice(last, i);
    out += entity;
    last = i + 1;
  }
  if (last === 0) return text;
  return last < text.length ? out + text.slice(last) : out;
}
