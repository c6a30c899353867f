/**
 * @module embedded/filter/lexer
 * Tokens of PocketBase's filter language (fexpr): identifiers, quoted strings
 * (`\\` and the same quote are unescaped, as the real server does), numbers, operators, `&&`, `||`,
 * parentheses and `//` line comments.
 */
import { FilterError } from './types.js';

export type Token =
  | { type: 'identifier'; text: string }
  | { type: 'string'; text: string }
  | { type: 'number'; text: string }
  | { type: 'operator'; text: string }
  | { type: 'join'; text: '&&' | '||' }
  | { type: 'paren'; text: '(' | ')' };

const operators = ['?!~', '?>=', '?<=', '?!=', '?=', '?>', '?<', '?~', '!=', '>=', '<=', '!~', '=', '>', '<', '~'];

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i]!;
    if (/\s/.test(ch)) {
      i++;
    } else if (source.startsWith('//', i)) {
      while (i < source.length && source[i] !== '\n') i++;
    } else if (ch === '(' || ch === ')') {
      tokens.push({ type: 'paren', text: ch });
      i++;
    } else if (source.startsWith('&&', i) || source.startsWith('||', i)) {
      tokens.push({ type: 'join', text: source.slice(i, i + 2) as '&&' | '||' });
      i += 2;
    } else if (ch === '"' || ch === "'") {
      let text = '';
      let j = i + 1;
      for (; j < source.length && source[j] !== ch; j++) {
        if (source[j] === '\\' && (source[j + 1] === ch || source[j + 1] === '\\')) j++;
        text += source[j];
      }
      if (j >= source.length) throw new FilterError(`Unterminated string starting at position ${i}.`);
      tokens.push({ type: 'string', text });
      i = j + 1;
    } else if (/[-\d]/.test(ch) && /^-?\d+(\.\d+)?/.test(source.slice(i))) {
      const text = /^-?\d+(\.\d+)?/.exec(source.slice(i))![0];
      tokens.push({ type: 'number', text });
      i += text.length;
    } else if (/[A-Za-z_@#]/.test(ch)) {
      const text = /^[A-Za-z_@#][\w.:@#]*/.exec(source.slice(i))![0];
      tokens.push({ type: 'identifier', text });
      i += text.length;
    } else {
      const op = operators.find((candidate) => source.startsWith(candidate, i));
      if (!op) throw new FilterError(`Unexpected character "${ch}" at position ${i}.`);
      tokens.push({ type: 'operator', text: op });
      i += op.length;
    }
  }
  return tokens;
}
