/**
 * @module embedded/schema/defaults
 * The collections of a fresh PocketBase v0.39 (`users`, `_superusers`) and the
 * defaults every new collection gets (system fields, auth options, token
 * durations), following core/collection_model*.go.
 */
import type { CollectionJson, FieldJson } from '../filter/index.js';
import { crc32 } from '../ids.js';

export const superusersId = 'pbc_3142635823';
export const usersId = '_pb_users_auth_';
export const externalAuthsId = 'pbc_2281828961';

const idField = (): FieldJson => ({
  id: 'text3208210256', name: 'id', type: 'text', system: true, hidden: false, presentable: false, required: true,
  primaryKey: true, min: 15, max: 15, pattern: '^[a-z0-9]+$', autogeneratePattern: '[a-z0-9]{15}',
});

export const authSystemFields = (): FieldJson[] => [
  idField(),
  { id: 'password901924565', name: 'password', type: 'password', system: true, hidden: true, presentable: false, required: true, min: 8, max: 0, cost: 0, pattern: '' },
  { id: 'text2504183744', name: 'tokenKey', type: 'text', system: true, hidden: true, presentable: false, required: true, min: 30, max: 60, pattern: '', autogeneratePattern: '[a-zA-Z0-9]{50}', primaryKey: false },
  { id: 'email3885137012', name: 'email', type: 'email', system: true, hidden: false, presentable: false, required: true, exceptDomains: null, onlyDomains: null },
  { id: 'bool1547992806', name: 'emailVisibility', type: 'bool', system: true, hidden: false, presentable: false, required: false },
  { id: 'bool256245529', name: 'verified', type: 'bool', system: true, hidden: false, presentable: false, required: false },
];

const autodates = (): FieldJson[] => [
  { id: 'autodate2990389176', name: 'created', type: 'autodate', system: false, hidden: false, presentable: false, onCreate: true, onUpdate: false },
  { id: 'autodate3332085495', name: 'updated', type: 'autodate', system: false, hidden: false, presentable: false, onCreate: true, onUpdate: true },
];

const template = (subject: string) => ({ subject, body: '<p>{APP_URL}/_/#/auth/{ACTION}/{TOKEN}</p>' });

/** Options every auth collection has; missing ones are filled in on create/import. */
export function authOptions(): Record<string, unknown> {
  return {
    authRule: '',
    manageRule: null,
    passwordAuth: { enabled: true, identityFields: ['email'] },
    oauth2: { enabled: false, providers: [], mappedFields: { id: '', name: '', username: '', avatarURL: '' } },
    mfa: { enabled: false, duration: 1800, rule: '' },
    otp: { enabled: false, duration: 180, length: 8, emailTemplate: template('OTP') },
    authAlert: { enabled: true, emailTemplate: template('Login from a new location') },
    authToken: { duration: 432000 },
    passwordResetToken: { duration: 1800 },
    emailChangeToken: { duration: 1800 },
    verificationToken: { duration: 259200 },
    fileToken: { duration: 180 },
    verificationTemplate: template('Verify your email'),
    resetPasswordTemplate: template('Reset your password'),
    confirmEmailChangeTemplate: template('Confirm your new email'),
  };
}

export function authIndexes(id: string, name: string): string[] {
  return [
    `CREATE UNIQUE INDEX \`idx_tokenKey_${id}\` ON \`${name}\` (\`tokenKey\`)`,
    `CREATE UNIQUE INDEX \`idx_email_${id}\` ON \`${name}\` (\`email\`) WHERE \`email\` != ''`,
  ];
}

export function defaultCollections(): CollectionJson[] {
  const users: CollectionJson = {
    id: usersId, name: 'users', type: 'auth', system: false,
    listRule: 'id = @request.auth.id', viewRule: 'id = @request.auth.id', createRule: '',
    updateRule: 'id = @request.auth.id', deleteRule: 'id = @request.auth.id',
    fields: [
      ...authSystemFields(),
      { id: 'text1579384326', name: 'name', type: 'text', system: false, hidden: false, presentable: false, required: false, min: 0, max: 255, pattern: '', autogeneratePattern: '', primaryKey: false },
      { id: 'file376926767', name: 'avatar', type: 'file', system: false, hidden: false, presentable: false, required: false, maxSelect: 1, maxSize: 0, mimeTypes: ['image/jpeg', 'image/png', 'image/svg+xml', 'image/gif', 'image/webp'], thumbs: null, protected: false },
      ...autodates(),
    ],
    indexes: authIndexes(usersId, 'users'),
    ...authOptions(),
    oauth2: { enabled: false, providers: [], mappedFields: { id: '', name: 'name', username: '', avatarURL: 'avatar' } },
  };
  const superusers: CollectionJson = {
    id: superusersId, name: '_superusers', type: 'auth', system: true,
    listRule: null, viewRule: null, createRule: null, updateRule: null, deleteRule: null,
    fields: [...authSystemFields(), ...autodates()],
    indexes: authIndexes(superusersId, '_superusers'),
    ...authOptions(),
    authToken: { duration: 86400 },
  };
  return [users, superusers, externalAuthsCollection()];
}

const text = (name: string): FieldJson => ({
  id: `text${crc32(name)}`, name, type: 'text', system: true, hidden: false, presentable: false, required: true,
  min: 0, max: 0, pattern: '', autogeneratePattern: '', primaryKey: false,
});

/**
 * `_externalAuths`: the OAuth2 identities linked to auth records (core/external_auth_model.go).
 * A record may list, view and unlink its own identities; only the server creates them.
 */
export function externalAuthsCollection(): CollectionJson {
  const own = "@request.auth.id != '' && recordRef = @request.auth.id && collectionRef = @request.auth.collectionId";
  return {
    id: externalAuthsId, name: '_externalAuths', type: 'base', system: true,
    listRule: own, viewRule: own, createRule: null, updateRule: null, deleteRule: own,
    fields: [idField(), text('collectionRef'), text('recordRef'), text('provider'), text('providerId'),
      ...autodates().map((f) => ({ ...f, system: true }))],
    indexes: [
      `CREATE UNIQUE INDEX \`idx_externalAuths_record_provider\` ON \`_externalAuths\` (collectionRef, recordRef, provider)`,
      `CREATE UNIQUE INDEX \`idx_externalAuths_collection_provider\` ON \`_externalAuths\` (collectionRef, provider, providerId)`,
    ],
  };
}

/** Fills what PocketBase adds to a collection created through the API. */
export function withDefaults(input: CollectionJson): CollectionJson {
  const type = input.type || 'base';
  const id = input.id || `pbc_${crc32(type + input.name)}`;
  const given = (input.fields ?? []).map((f) => ({ ...f, id: f.id || `${f.type}${crc32(f.name)}` }));
  const names = new Set(given.map((f) => f.name));
  const system = type === 'auth' ? authSystemFields() : [idField()];
  const fields = [...system.filter((f) => !names.has(f.name)), ...given].map((f) => {
    const sys = system.find((s) => s.name === f.name);
    return sys ? { ...sys, ...f, system: true, type: sys.type } : f;
  });
  const base: CollectionJson = {
    listRule: null, viewRule: null, createRule: null, updateRule: null, deleteRule: null, system: false, indexes: [],
    ...(type === 'auth' ? authOptions() : {}),
    ...input,
    id, type, fields,
  };
  if (type === 'auth') {
    const indexes = (base.indexes as string[]) ?? [];
    for (const index of authIndexes(id, input.name)) {
      const column = /\(`(\w+)`\)/.exec(index)![1]!;
      if (!indexes.some((sql) => new RegExp(`\\(\\s*\`?${column}\`?\\s*\\)`).test(sql))) indexes.push(index);
    }
    base.indexes = indexes;
  }
  return base;
}
