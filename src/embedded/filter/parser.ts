/**
 * @module embedded/filter/parser
 * Recursive-descent parser: `expr (&&|||) expr`, parentheses, SQL precedence
 * (&& binds tighter than ||). Limits as PocketBase: 3500 characters, 200
 * expressions; and at most 100 nested parentheses.
 */
import { tokenize, type Token } from './lexer.js';
import { FilterError, type FilterExpr, type Operand, type Operator } from './types.js';

const maxLength = 3500;
const maxExpressions = 200;
/** SQLite refuses expression trees deeper than 1000; stay well below with a clear 400. */
const maxDepth = 100;

export function parseFilter(source: string): FilterExpr {
  if (source.length > maxLength) throw new FilterError(`The filter is longer than ${maxLength} characters.`);
  const tokens = tokenize(source);
  if (tokens.length === 0) throw new FilterError('The filter is empty.');
  let pos = 0;
  let count = 0;
  let depth = 0;

  const peek = (): Token | undefined => tokens[pos];
  const next = (): Token => {
    const token = tokens[pos++];
    if (!token) throw new FilterError('The filter ends too early.');
    return token;
  };

  function operand(): Operand {
    const token = next();
    if (token.type === 'string') return { kind: 'text', value: token.text };
    if (token.type === 'number') return { kind: 'number', value: Number(token.text) };
    if (token.type === 'identifier') return { kind: 'identifier', name: token.text };
    throw new FilterError(`Expected a value or field, found "${token.text}".`);
  }

  function primary(): FilterExpr {
    if (peek()?.type === 'paren' && peek()?.text === '(') {
      pos++;
      if (++depth > maxDepth) throw new FilterError(`The filter nests parentheses deeper than ${maxDepth}.`);
      const inner = or();
      depth--;
      const close = peek();
      if (close?.type !== 'paren' || close.text !== ')') throw new FilterError('Missing closing parenthesis.');
      pos++;
      return inner;
    }
    const left = operand();
    const opToken = next();
    if (opToken.type !== 'operator') throw new FilterError(`Expected an operator after a value, found "${opToken.text}".`);
    const right = operand();
    if (++count > maxExpressions) throw new FilterError(`The filter has more than ${maxExpressions} expressions.`);
    const any = opToken.text.startsWith('?');
    return { kind: 'compare', left, op: (any ? opToken.text.slice(1) : opToken.text) as Operator, any, right };
  }

  function and(): FilterExpr {
    let left = primary();
    while (peek()?.type === 'join' && peek()?.text === '&&') {
      pos++;
      left = { kind: 'logical', op: 'AND', left, right: primary() };
    }
    return left;
  }

  function or(): FilterExpr {
    let left = and();
    while (peek()?.type === 'join' && peek()?.text === '||') {
      pos++;
      left = { kind: 'logical', op: 'OR', left, right: and() };
    }
    return left;
  }

  const expr = or();
  if (pos < tokens.length) throw new FilterError(`Unexpected "${tokens[pos]!.text}" in the filter.`);
  return expr;
}
