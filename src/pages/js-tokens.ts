/**
 * @module pages/js-tokens
 * A small JavaScript tokenizer for the template compiler: it finds the names a template's
 * code refers to, and where, without a full parser. It knows strings, template literals
 * (with `${}` nesting), comments, regular expressions (by the usual previous-token rule)
 * and numbers; everything else is one punctuator character or a short operator.
 *
 * It only has to be right enough to choose names and rewrite them: every rewrite it causes
 * is checked by compiling the result, and a name whose rewrite does not compile is bound
 * the plain way instead (see page-compiler).
 */

export interface Token {
  kind: 'name' | 'punct' | 'string' | 'template' | 'regex' | 'number' | 'private';
  value: string;
  start: number;
  end: number;
}

const namePattern = /[\p{ID_Start}$_][\p{ID_Continue}$\u200c\u200d]*/uy;
const numberPattern = /(?:0[xXoObB][\da-fA-F_]+|\d[\d_]*\.?[\d_]*(?:[eE][+-]?\d+)?|\.\d[\d_]*(?:[eE][+-]?\d+)?)n?/y;
const operators = ['>>>=', '...', '===', '!==', '**=', '<<=', '>>=', '>>>', '&&=', '||=', '??=', '=>', '==', '!=', '<=', '>=', '&&', '||', '??', '?.', '++', '--', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '**', '<<', '>>'];
/** After these words a `/` starts a regular expression, not a division. */
const beforeExpression = new Set(['return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await']);

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  /** One entry per open `${`: the brace depth at which the template literal resumes. */
  const templateDepths: number[] = [];
  let depth = 0;
  let i = 0;
  const push = (kind: Token['kind'], start: number, end: number) => {
    tokens.push({ kind, value: source.slice(start, end), start, end });
    i = end;
  };
  /** Scans template-literal text from `from` (just after a backtick or a closing `}`). */
  const templateText = (from: number) => {
    let j = from;
    while (j < source.length) {
      const c = source[j];
      if (c === '\\') j += 2;
      else if (c === '`') return push('template', from - 1, j + 1);
      else if (c === '$' && source[j + 1] === '{') {
        templateDepths.push(depth);
        depth++;
        return push('template', from - 1, j + 2);
      } else j++;
    }
    push('template', from - 1, source.length);
  };

  while (i < source.length) {
    const c = source[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\u2028' || c === '\u2029' || c === '\ufeff' || c === '\u00a0') {
      i++;
    } else if (c === '/' && source[i + 1] === '/') {
      const end = source.indexOf('\n', i);
      i = end < 0 ? source.length : end;
    } else if (c === '/' && source[i + 1] === '*') {
      const end = source.indexOf('*/', i + 2);
      i = end < 0 ? source.length : end + 2;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < source.length && source[j] !== c && source[j] !== '\n') j += source[j] === '\\' ? 2 : 1;
      push('string', i, Math.min(j + 1, source.length));
    } else if (c === '`') {
      templateText(i + 1);
    } else if (c === '}' && templateDepths.length > 0 && templateDepths.at(-1) === depth - 1) {
      templateDepths.pop();
      depth--;
      templateText(i + 1);
    } else if (c === '/' && startsExpression(tokens.at(-1))) {
      let j = i + 1;
      let inClass = false;
      while (j < source.length && source[j] !== '\n') {
        const d = source[j];
        if (d === '\\') j++;
        else if (d === '[') inClass = true;
        else if (d === ']') inClass = false;
        else if (d === '/' && !inClass) break;
        j++;
      }
      j++;
      while (j < source.length && /\w/.test(source[j]!)) j++;
      push('regex', i, j);
    } else if (c === '#') {
      namePattern.lastIndex = i + 1;
      const match = namePattern.exec(source);
      push('private', i, i + 1 + (match ? match[0].length : 0));
    } else {
      namePattern.lastIndex = i;
      const name = namePattern.exec(source);
      if (name) {
        push('name', i, i + name[0].length);
        continue;
      }
      numberPattern.lastIndex = i;
      const number = /[\d.]/.test(c) && !(c === '.' && !/\d/.test(source[i + 1] ?? '')) ? numberPattern.exec(source) : null;
      if (number) {
        push('number', i, i + number[0].length);
        continue;
      }
      // `?.` followed by a digit is a conditional and a number (`a?.5:1`), not optional chaining.
      const op = operators.find((o) => source.startsWith(o, i) && !(o === '?.' && /\d/.test(source[i + 2] ?? '')));
      if (c === '{' || c === '(' || c === '[') depth++;
      else if (c === '}' || c === ')' || c === ']') depth--;
      push('punct', i, i + (op ? op.length : 1));
    }
  }
  return tokens;
}

function startsExpression(previous: Token | undefined): boolean {
  if (!previous) return true;
  if (previous.kind === 'name') return beforeExpression.has(previous.value);
  if (previous.kind === 'punct') return !(previous.value === ')' || previous.value === ']' || previous.value === '}' || previous.value === '++' || previous.value === '--');
  return false;
}
