// Builds a plausible value for a JSON Schema, so structured outputs (`response_format`,
// `text.format`) and tool-call arguments parse and validate on the client side.
type Schema = Record<string, any>;

const MAX_DEPTH = 8;

const STRING_FORMATS: Record<string, string> = {
  'date-time': '2024-01-01T12:00:00Z',
  date: '2024-01-01',
  time: '12:00:00',
  email: 'ada@example.com',
  uri: 'https://example.com',
  url: 'https://example.com',
  uuid: '00000000-0000-4000-8000-000000000000',
  ipv4: '127.0.0.1',
};

const STRING_BY_KEY: Record<string, string> = {
  city: 'Paris',
  location: 'Paris',
  country: 'France',
  name: 'Ada Lovelace',
  email: 'ada@example.com',
  language: 'English',
};

/** A value that satisfies common JSON Schema constraints (required properties, enums, bounds, refs). */
export function sampleFromSchema(schema: unknown, key = 'value'): unknown {
  return sample(asSchema(schema), asSchema(schema), key, 0);
}

function asSchema(value: unknown): Schema {
  return value && typeof value === 'object' ? (value as Schema) : {};
}

function sample(schema: Schema, root: Schema, key: string, depth: number): unknown {
  if (depth > MAX_DEPTH) return null;
  if (typeof schema.$ref === 'string') return sample(resolveRef(schema.$ref, root), root, key, depth + 1);
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  if (schema.default !== undefined) return schema.default;
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
  const variants = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(variants) && variants.length > 0) {
    const chosen = variants.find((v: Schema) => v?.type !== 'null') ?? variants[0];
    return sample(asSchema(chosen), root, key, depth + 1);
  }
  if (Array.isArray(schema.allOf)) {
    return Object.assign(
      {},
      ...schema.allOf.map((part: unknown) => sample(asSchema(part), root, key, depth + 1)),
    );
  }
  switch (primaryType(schema)) {
    case 'object':
      return sampleObject(schema, root, depth);
    case 'array': {
      const count = Math.max(1, schema.minItems ?? 1);
      return Array.from({ length: count }, () => sample(asSchema(schema.items), root, key, depth + 1));
    }
    case 'string':
      return sampleString(schema, key);
    case 'integer':
      return clamp(1, schema);
    case 'number':
      return clamp(1.5, schema);
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return `example ${key}`;
  }
}

function primaryType(schema: Schema): string | undefined {
  const type = Array.isArray(schema.type) ? schema.type.find((t: string) => t !== 'null') : schema.type;
  if (type) return type;
  if (schema.properties) return 'object';
  if (schema.items) return 'array';
  return undefined;
}

function sampleObject(schema: Schema, root: Schema, depth: number): Record<string, unknown> {
  const properties: Schema = schema.properties ?? {};
  const keys: string[] = Array.isArray(schema.required) ? schema.required : Object.keys(properties);
  const out: Record<string, unknown> = {};
  for (const name of keys) out[name] = sample(asSchema(properties[name]), root, name, depth + 1);
  return out;
}

function sampleString(schema: Schema, key: string): string {
  const base = STRING_FORMATS[schema.format] ?? STRING_BY_KEY[key.toLowerCase()] ?? `example ${key}`;
  const min = schema.minLength ?? 0;
  const padded = base.length >= min ? base : base.padEnd(min, 'x');
  return schema.maxLength !== undefined ? padded.slice(0, schema.maxLength) : padded;
}

function clamp(value: number, schema: Schema): number {
  let out = value;
  if (typeof schema.minimum === 'number') out = Math.max(out, schema.minimum);
  if (typeof schema.exclusiveMinimum === 'number') out = Math.max(out, schema.exclusiveMinimum + 1);
  if (typeof schema.maximum === 'number') out = Math.min(out, schema.maximum);
  if (typeof schema.exclusiveMaximum === 'number') out = Math.min(out, schema.exclusiveMaximum - 1);
  return out;
}

function resolveRef(ref: string, root: Schema): Schema {
  if (!ref.startsWith('#')) return {};
  const parts = ref
    .slice(1)
    .split('/')
    .filter(Boolean)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  let node: any = root;
  for (const part of parts) node = node?.[decodeURIComponent(part)];
  return asSchema(node);
}
