/**
 * @module embedded/filter/resolver
 * Resolves filter identifiers of one collection and one request to SQL, the
 * way PocketBase's RecordFieldResolver does (core/record_field_resolver*.go):
 * relation paths (single, multiple, back-relations `<coll>_via_<field>`) become
 * LEFT JOINs registered on the resolver, fan-outs also get a multi-match
 * subquery for "every value" comparisons, JSON fields take the rest of the path
 * as a JSON path, `@collection.<name>` joins another table, `@request.auth.<rel>`
 * and `@request.body.<rel>` join the referenced records.
 *
 * Client filters of non-superusers (`allowHidden` false) may not read hidden
 * fields, may read an auth record's `email` only where its emailVisibility is
 * true, may not join a superuser-only collection, and every joined collection's
 * own list rule filters the rows (see `finish`).
 */
import { compileFilter, type Resolved } from './compile.js';
import { parseFilter } from './parser.js';
import { dateMacro, staticRequestValue, type RequestInfo } from './request-values.js';
import { FilterError, type CollectionJson, type FieldJson, type Fragment } from './types.js';

export interface ResolverOptions {
  collection: CollectionJson;
  request: RequestInfo | null;
  /** Rules and superusers: hidden fields, emails and locked collections are readable. */
  allowHidden: boolean;
  lookupCollection(idOrName: string): CollectionJson | undefined;
  /** SQL alias of the filtered row (default `r`). */
  alias?: string;
  /** What multi-match subqueries read the filtered row from (default: the collection's table). */
  source?: string;
  /** Appended to join aliases, so a list rule's joins never clash with the filter's. */
  suffix?: string;
}

interface Join {
  table: Fragment;
  alias: string;
  on?: Fragment;
}

interface MultiMatch {
  joins: Join[];
  value: string;
}

/** PocketBase allows 6 relation hops; SQLite allows 64 tables in one join. */
const maxNestedRelations = 6;
const maxJoins = 40;
/**
 * Each distinct fan-out (a multiple relation, `:each`, a back-relation)
 * multiplies the rows SQLite walks; a client filter of a non-superuser may use
 * two (deliberately stricter than PocketBase, which has no bound).
 */
const maxClientFanOuts = 2;
/** "Every value" comparisons over a fan-out each scan the fan-out again per joined row: 20 per client filter. */
const maxClientEveryValueChecks = 20;

export const q = (name: string): string => `"${name.replace(/"/g, '""')}"`;
const col = (alias: string, name: string) => `${q(alias)}.${q(name)}`;

const jsonEach = (column: string) =>
  `json_each(CASE WHEN iif(json_valid(${column}), json_type(${column})='array', FALSE) THEN ${column} ELSE json_array(${column}) END)`;
const jsonArrayLength = (column: string) =>
  `json_array_length(CASE WHEN iif(json_valid(${column}), json_type(${column})='array', FALSE) THEN ${column} ELSE (CASE WHEN ${column} = '' OR ${column} IS NULL THEN json_array() ELSE json_array(${column}) END) END)`;
function jsonExtract(column: string, path: string): string {
  const p = path && !path.startsWith('[') ? `.${path}` : path;
  return `(CASE WHEN json_valid(${column}) THEN JSON_EXTRACT(${column}, '$${p}') ELSE JSON_EXTRACT(json_object('pb', ${column}), '$.pb${p}') END)`;
}

const isMultiValuer = (field: FieldJson) => ['select', 'relation', 'file'].includes(field.type);
const isMultiple = (field: FieldJson) => isMultiValuer(field) && Number(field.maxSelect ?? 1) > 1;
const modifiers = ['isset', 'each', 'length', 'lower', 'changed'];

function splitModifier(prop: string): [string, string] {
  const parts = prop.split(':');
  if (parts.length !== 2) return [prop, ''];
  if (!modifiers.includes(parts[1]!)) throw new FilterError(`Unknown modifier in "${prop}".`);
  return [parts[0]!, parts[1]!];
}

const allowedIdentifiers = [
  /^\w+[\w.:]*$/, /^@request\.context$/, /^@request\.method$/, /^@request\.auth\.[\w.:]*\w+$/, /^@request\.body\.[\w.:]*\w+$/,
  /^@request\.query\.[\w.:]*\w+$/, /^@request\.headers\.[\w.:]*\w+$/, /^@collection\.\w+(:\w+)?\.[\w.:]*\w+$/,
];

function hasUniqueIndex(collection: CollectionJson, column: string): boolean {
  return ((collection.indexes as string[] | undefined) ?? []).some((sql) => {
    const m = /^\s*CREATE\s+UNIQUE\s+INDEX\b[^(]*\(([^)]*)\)/i.exec(sql);
    const columns = m ? m[1]!.split(',').map((c) => c.trim().replace(/^[`"'[]|[`"'\]]$/g, '').split(/\s+/)[0]!) : [];
    return columns.length === 1 && columns[0]!.toLowerCase() === column.toLowerCase();
  });
}

function uniqueStrings(value: unknown): string[] {
  const list = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  return [...new Set(list.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).filter((v) => v !== ''))];
}

export class RecordFieldResolver {
  allowHidden: boolean;
  readonly #options: ResolverOptions;
  readonly #alias: string;
  readonly #source: string;
  readonly #suffix: string;
  readonly #joins: Join[] = [];
  readonly #ruleJoins: { collection: CollectionJson; alias: string }[] = [];
  readonly #fanOuts = new Set<string>();
  #everyValueChecks = 0;

  constructor(options: ResolverOptions) {
    this.#options = options;
    this.allowHidden = options.allowHidden;
    this.#alias = options.alias ?? 'r';
    this.#source = options.source ?? q(options.collection.name);
    this.#suffix = options.suffix ?? '';
  }

  resolve(identifier: string): Resolved {
    const macro = identifier.startsWith('@') ? dateMacro(identifier) : undefined;
    if (macro !== undefined) return { sql: '?', params: [macro] };
    if (!allowedIdentifiers.some((pattern) => pattern.test(identifier))) throw new FilterError(`Failed to resolve field "${identifier}".`);
    return new Run(this, this.#options, identifier, this.#alias, this.#source, this.#suffix).run();
  }

  /** The LEFT JOINs the resolved fields need, and the list rules of the joined collections (ANDed to the WHERE). */
  finish(): { joins: Fragment; where: Fragment | undefined } {
    const joins = [...this.#joins];
    const conditions: Fragment[] = [];
    if (!this.allowHidden) {
      this.#ruleJoins.forEach(({ collection, alias }, index) => {
        const rule = collection.listRule;
        if (typeof rule !== 'string' || rule === '') return;
        const clone = new RecordFieldResolver({
          ...this.#options, collection, alias, source: q(collection.name), allowHidden: true, suffix: `${this.#suffix}_lr${index}`,
        });
        // "id = ''" keeps rows whose relation is empty (PocketBase's updateQueryWithCollectionListRule).
        conditions.push(compileFilter(parseFilter(`id='' || (\n${rule}\n)`), clone));
        joins.push(...clone.#joins);
      });
    }
    if (joins.length > maxJoins) throw new FilterError('The filter joins too many collections.');
    const joinSql = joins.map((j) => `LEFT JOIN ${j.table.sql} ${q(j.alias)}${j.on ? ` ON ${j.on.sql}` : ''}`);
    return {
      joins: { sql: joinSql.join(' '), params: joins.flatMap((j) => [...j.table.params, ...(j.on?.params ?? [])]) },
      where: conditions.length ? { sql: conditions.map((c) => c.sql).join(' AND '), params: conditions.flatMap((c) => c.params) } : undefined,
    };
  }

  countEveryValueCheck(): void {
    if (!this.allowHidden && ++this.#everyValueChecks > maxClientEveryValueChecks) {
      throw new FilterError('The filter has too many comparisons over multi-valued relations.');
    }
  }

  /** @internal used by Run */
  registerJoin(join: Join, collection?: CollectionJson, fanOut = false): void {
    if (!this.allowHidden && fanOut && this.#fanOuts.add(join.alias).size > maxClientFanOuts) {
      throw new FilterError('The filter fans out over too many multi-valued relations.');
    }
    if (!this.allowHidden && collection) {
      if (collection.listRule === null || collection.listRule === undefined) {
        throw new FilterError(`"${collection.name}" fields can be accessed only by superusers.`);
      }
      const existing = this.#ruleJoins.find((j) => j.alias === join.alias);
      if (existing) existing.collection = collection;
      else this.#ruleJoins.push({ collection, alias: join.alias });
    }
    const index = this.#joins.findIndex((j) => j.alias === join.alias);
    if (index >= 0) this.#joins[index] = join;
    else if (this.#joins.push(join) > maxJoins) throw new FilterError('The filter joins too many collections.');
  }
}

/** One identifier's resolution (PocketBase's runner). */
class Run {
  #props: string[];
  #collectionName: string;
  #alias: string;
  #nullifyMissing: boolean;
  #withMultiMatch = false;
  #mmAlias: string;
  readonly #mm: MultiMatch = { joins: [], value: '' };

  constructor(
    private readonly resolver: RecordFieldResolver,
    private readonly options: ResolverOptions,
    private readonly identifier: string,
    private readonly baseAlias: string,
    private readonly source: string,
    private readonly suffix: string,
  ) {
    this.#props = identifier.split('.');
    this.#collectionName = options.collection.name;
    this.#alias = baseAlias;
    this.#nullifyMissing = this.#props[0] === '@request';
    this.#mmAlias = `__mm_${baseAlias}`;
  }

  #load(idOrName: string): CollectionJson | undefined {
    const base = this.options.collection;
    if (idOrName === base.name || idOrName === base.id) return base;
    return this.options.lookupCollection(idOrName);
  }

  #missing(message: string): Resolved {
    if (this.#nullifyMissing) return { sql: 'NULL', params: [] };
    throw new FilterError(message);
  }

  #multiMatch(): Fragment {
    const joins = this.#mm.joins.map((j) => `LEFT JOIN ${j.table.sql} ${q(j.alias)}${j.on ? ` ON ${j.on.sql}` : ''}`).join(' ');
    return {
      sql: `SELECT ${this.#mm.value} AS multiMatchValue FROM ${this.source} ${q(`__mm_${this.baseAlias}`)} ${joins} WHERE ${col(`__mm_${this.baseAlias}`, 'id')} = ${col(this.baseAlias, 'id')}`,
      params: this.#mm.joins.flatMap((j) => [...j.table.params, ...(j.on?.params ?? [])]),
    };
  }

  run(): Resolved {
    const props = this.#props;
    if (props[0] === '@collection') return this.#collectionField();
    if (props[0] === '@request') {
      const request = this.options.request;
      if (!request) return { sql: 'NULL', params: [] };
      if (this.identifier.startsWith('@request.auth.')) return this.#authField(request);
      if (this.identifier.startsWith('@request.body.') && props.length > 2) {
        const [name, modifier] = splitModifier(props[2]!);
        const field = this.options.collection.fields.find((f) => f.name === name);
        if (field) {
          if (field.type === 'relation' && props.length > 3) return this.#bodyRelation(request, field);
          if (props.length === 3) {
            const value = request.body?.[name];
            const items = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
            switch (modifier) {
              case 'each': return this.#bodyEach(field, items);
              case 'length':
                if (!isMultiValuer(field)) throw new FilterError(`Field "${name}" doesn't support multivalue operations.`);
                return { sql: String(items.length), params: [] };
              case 'lower': return { sql: 'LOWER(?)', params: [value === undefined || value === null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value)] };
              case 'changed': {
                const changed = compileFilter(parseFilter(`@request.body.${name}:isset = true && @request.body.${name} != ${name}`), this.resolver);
                return { sql: `(${changed.sql})`, params: changed.params, nullFallback: 'disabled' };
              }
            }
          }
        }
      }
      const path = props.slice(1);
      const [last, modifier] = splitModifier(path[path.length - 1]!);
      path[path.length - 1] = last;
      return staticRequestValue(request, this.options.collection, path, modifier);
    }
    return this.#activeProps();
  }

  #collectionField(): Resolved {
    const [nameOrId = '', joinAlias] = this.#props[1]!.split(':', 2);
    const collection = this.#load(nameOrId);
    if (!collection) throw new FilterError(`Failed to load collection "${nameOrId}".`);
    this.#collectionName = collection.name;
    this.#alias = (joinAlias ? `__collection_alias_${joinAlias}` : `__collection_${collection.name}`) + this.suffix;
    this.#withMultiMatch = true;
    this.resolver.registerJoin({ table: { sql: q(collection.name), params: [] }, alias: this.#alias }, collection);
    this.#mmAlias = `__mm_${this.#alias}`;
    this.#mm.joins.push({ table: { sql: q(collection.name), params: [] }, alias: this.#mmAlias });
    this.#props = this.#props.slice(2);
    return this.#activeProps();
  }

  #authField(request: RequestInfo): Resolved {
    const auth = request.auth;
    if (!auth) return { sql: 'NULL', params: [] };
    const key = this.#props.slice(2).join('.');
    if (['id', 'collectionId', 'collectionName', 'email', 'emailVisibility', 'verified'].includes(key)) {
      return staticRequestValue(request, this.options.collection, ['auth', key], '');
    }
    const collection = this.#load(auth.collectionId);
    if (!collection) return { sql: 'NULL', params: [] };
    this.#collectionName = collection.name;
    this.#alias = `__auth_${collection.name}${this.suffix}`;
    const id = String(auth.id ?? '');
    this.resolver.registerJoin({ table: { sql: q(collection.name), params: [] }, alias: this.#alias, on: { sql: `${col(this.#alias, 'id')} = ?`, params: [id] } }, collection);
    this.#mmAlias = `__mm_${this.#alias}`;
    this.#mm.joins.push({ table: { sql: q(collection.name), params: [] }, alias: this.#mmAlias, on: { sql: `${col(this.#mmAlias, 'id')} = ?`, params: [id] } });
    this.#props = this.#props.slice(2);
    return this.#activeProps();
  }

  #bodyEach(field: FieldJson, items: unknown[]): Resolved {
    if (!isMultiValuer(field)) throw new FilterError(`Field "${field.name}" doesn't support multivalue operations.`);
    const json = JSON.stringify(items);
    const alias = `__dataEach_je_${field.name}${this.suffix}`;
    this.resolver.registerJoin({ table: { sql: 'json_each(?)', params: [json] }, alias }, undefined, true);
    const result: Resolved = { sql: `${q(alias)}.value`, params: [] };
    if (isMultiple(field)) this.#withMultiMatch = true;
    if (this.#withMultiMatch) {
      this.#mm.joins.push({ table: { sql: 'json_each(?)', params: [json] }, alias: `__mm_${alias}` });
      this.#mm.value = `${q(`__mm_${alias}`)}.value`;
      result.multiMatch = this.#multiMatch();
    }
    return result;
  }

  #bodyRelation(request: RequestInfo, field: FieldJson): Resolved {
    const related = this.#load(String(field.collectionId ?? ''));
    if (!related) throw new FilterError(`Failed to load the collection of "${field.name}".`);
    const ids = uniqueStrings(request.body?.[field.name]);
    if (ids.length === 0) return { sql: 'NULL', params: [] };
    const inList = ids.map(() => '?').join(', ');
    this.#collectionName = related.name;
    this.#alias = `__data_${related.name}_${field.name}${this.suffix}`;
    this.resolver.registerJoin({ table: { sql: q(related.name), params: [] }, alias: this.#alias, on: { sql: `${col(this.#alias, 'id')} IN (${inList})`, params: ids } }, related);
    if (isMultiple(field)) this.#withMultiMatch = true;
    this.#mmAlias = `__mm_${this.#alias}`;
    this.#mm.joins.push({ table: { sql: q(related.name), params: [] }, alias: this.#mmAlias, on: { sql: `${col(this.#mmAlias, 'id')} IN (${inList})`, params: ids } });
    this.#props = this.#props.slice(3);
    return this.#activeProps();
  }

  #activeProps(): Resolved {
    const props = this.#props;
    for (let i = 0; i < props.length; i++) {
      const prop = props[i]!;
      const collection = this.#load(this.#collectionName);
      if (!collection) throw new FilterError(`Failed to resolve field "${prop}".`);
      if (i === props.length - 1) return this.#finalize(collection, prop);
      const field = collection.fields.find((f) => f.name === prop);
      if (field?.hidden && !this.resolver.allowHidden) throw new FilterError(`Non-filterable field "${prop}".`);
      if (field && (field.type === 'json' || field.type === 'geoPoint')) return this.#jsonPath(field, props.slice(i + 1));
      if (i >= maxNestedRelations) throw new FilterError(`Max nested relations reached for field "${prop}".`);
      if (!field) {
        const missing = this.#backRelation(collection, prop);
        if (missing) return missing;
        continue;
      }
      if (field.type !== 'relation') throw new FilterError(`Field "${prop}" is not a valid relation.`);
      const related = this.#load(String(field.collectionId ?? ''));
      if (!related) throw new FilterError(`Failed to load the collection of "${prop}".`);
      const multiple = isMultiple(field);
      // "user.id" is the same as "user": no join for it.
      if (!multiple && i === props.length - 2 && props[i + 1] === 'id') return this.#finalize(collection, field.name);
      const alias = `${this.#alias}_${field.name}${this.suffix}`;
      const table = { sql: q(related.name), params: [] };
      if (!multiple) {
        this.resolver.registerJoin({ table, alias, on: { sql: `${col(alias, 'id')} = ${col(this.#alias, field.name)}`, params: [] } }, related);
      } else {
        const je = `__je_${alias}`;
        this.resolver.registerJoin({ table: { sql: jsonEach(col(this.#alias, field.name)), params: [] }, alias: je }, undefined, true);
        this.resolver.registerJoin({ table, alias, on: { sql: `${col(alias, 'id')} = ${q(je)}.value`, params: [] } }, related);
        this.#withMultiMatch = true;
      }
      const mmAlias = `${this.#mmAlias}_${field.name}`;
      if (!multiple) {
        this.#mm.joins.push({ table, alias: mmAlias, on: { sql: `${col(mmAlias, 'id')} = ${col(this.#mmAlias, field.name)}`, params: [] } });
      } else {
        const je = `${this.#mmAlias}_${field.name}_je`;
        this.#mm.joins.push({ table: { sql: jsonEach(col(this.#mmAlias, field.name)), params: [] }, alias: je });
        this.#mm.joins.push({ table, alias: mmAlias, on: { sql: `${col(mmAlias, 'id')} = ${q(je)}.value`, params: [] } });
      }
      this.#collectionName = related.name;
      this.#alias = alias;
      this.#mmAlias = mmAlias;
    }
    throw new FilterError(`Failed to resolve field "${this.identifier}".`);
  }

  /** `<collection>_via_<field>`: the records of another collection that point at this one. */
  #backRelation(collection: CollectionJson, prop: string): Resolved | undefined {
    const m = /^(\w+)_via_(\w+)$/.exec(prop);
    if (!m) return this.#missing(`Failed to resolve field "${prop}".`);
    const back = this.#load(m[1]!);
    if (!back) return this.#missing(`Failed to load the back relation collection of "${prop}".`);
    const field = back.fields.find((f) => f.name === m[2]);
    if (!field || field.type !== 'relation') return this.#missing(`Invalid back relation field "${m[2]}".`);
    if (field.hidden && !this.resolver.allowHidden) throw new FilterError(`Non-filterable back relation field "${field.name}".`);
    if (field.collectionId !== collection.id) return this.#missing(`Invalid collection reference of the back relation field "${field.name}".`);
    const multiple = isMultiple(field);
    const alias = `${this.#alias}_${prop}${this.suffix}`;
    const table = { sql: q(back.name), params: [] };
    const on = (target: string, from: string): Fragment => multiple
      ? { sql: `${col(from, 'id')} IN (SELECT ${q(`__je_${target}`)}.value FROM ${jsonEach(col(target, field.name))} ${q(`__je_${target}`)})`, params: [] }
      : { sql: `${col(target, field.name)} = ${col(from, 'id')}`, params: [] };
    this.resolver.registerJoin({ table, alias, on: on(alias, this.#alias) }, back, multiple || !hasUniqueIndex(back, field.name));
    if (multiple) this.#withMultiMatch = true;
    else if (!this.#withMultiMatch) this.#withMultiMatch = !hasUniqueIndex(back, field.name);
    const mmAlias = `${this.#mmAlias}_${prop}${this.suffix}`;
    this.#mm.joins.push({ table, alias: mmAlias, on: on(mmAlias, this.#mmAlias) });
    this.#collectionName = back.name;
    this.#alias = alias;
    this.#mmAlias = mmAlias;
    return undefined;
  }

  #jsonPath(field: FieldJson, rest: string[]): Resolved {
    let path = '';
    rest.forEach((p, j) => {
      if (!/^\w+$/.test(p)) throw new FilterError(`Invalid JSON path segment "${p}".`);
      if (/^\d+$/.test(p)) path += `[${p}]`;
      else path += (j > 0 ? '.' : '') + p;
    });
    const result: Resolved = { sql: jsonExtract(col(this.#alias, field.name), path), params: [], nullFallback: 'disabled' };
    if (this.#withMultiMatch) {
      this.#mm.value = jsonExtract(col(this.#mmAlias, field.name), path);
      result.multiMatch = this.#multiMatch();
    }
    return result;
  }

  #finalize(collection: CollectionJson, prop: string): Resolved {
    const [name, modifier] = splitModifier(prop);
    const field = collection.fields.find((f) => f.name === name);
    if (!field) return this.#missing(`Unknown field "${name}".`);
    if (field.hidden && !this.resolver.allowHidden) throw new FilterError(`Non-filterable field "${name}".`);
    const column = col(this.#alias, field.name);
    const mmColumn = col(this.#mmAlias, field.name);
    if (modifier === 'length' && isMultiValuer(field)) {
      this.#mm.value = jsonArrayLength(mmColumn);
      return { sql: jsonArrayLength(column), params: [], ...(this.#withMultiMatch ? { multiMatch: this.#multiMatch() } : {}) };
    }
    if (modifier === 'each' && isMultiValuer(field)) {
      const je = `__je_${this.#alias}_${field.name}${this.suffix}`;
      this.resolver.registerJoin({ table: { sql: jsonEach(column), params: [] }, alias: je }, undefined, true);
      if (isMultiple(field)) this.#withMultiMatch = true;
      const result: Resolved = { sql: `${q(je)}.value`, params: [] };
      if (this.#withMultiMatch) {
        const je2 = `__je_${this.#mmAlias}_${field.name}${this.suffix}`;
        this.#mm.joins.push({ table: { sql: jsonEach(mmColumn), params: [] }, alias: je2 });
        this.#mm.value = `${q(je2)}.value`;
        result.multiMatch = this.#multiMatch();
      }
      return result;
    }
    const result: Resolved = { sql: column, params: [] };
    this.#mm.value = mmColumn;
    if (field.name === 'email' && !this.resolver.allowHidden && collection.type === 'auth') {
      // An auth record's email is filterable only where the record shows it.
      const visible = col(this.#alias, 'emailVisibility');
      result.afterBuild = (expr) => ({ sql: `(${expr.sql} AND ${visible} = TRUE)`, params: expr.params });
    }
    if (field.type === 'json') {
      result.nullFallback = 'disabled';
      result.sql = jsonExtract(column, '');
      this.#mm.value = jsonExtract(mmColumn, '');
    }
    if (modifier === 'lower') {
      result.sql = `LOWER(${result.sql})`;
      this.#mm.value = `LOWER(${this.#mm.value})`;
    }
    if (this.#withMultiMatch) result.multiMatch = this.#multiMatch();
    return result;
  }
}
