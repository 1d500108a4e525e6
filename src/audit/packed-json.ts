/**
 * Plain data (strings, numbers, booleans, null, arrays and objects) as compact JSON in ASCII
 * alone, for the model cache. JSON keeps such data exactly; this form keeps the same data in half
 * the bytes, and writes and reads it in about half the time plain JSON written in ASCII takes:
 *
 * - An object is an array: the index of its shape, then its values. A shape lists the object's
 *   keys and, for a value that is itself an object (a cell's `span`), that object's shape in
 *   place, so `{ text, span: { start, end } }` is one flat array of three values. A model holds
 *   thousands of objects but about ten shapes, so each name is written once, not once per object;
 *   an object is read back by a function made once per shape, an object literal V8 builds
 *   faster than `JSON.parse` builds the same object from its keys.
 * - An array is an array tagged -1, so the two can be told apart.
 * - A string holding a character outside ASCII is an array tagged -2 around its JSON with those
 *   characters escaped. The whole text is then ASCII, so it is written and read as Latin-1 with no
 *   encoding or decoding.
 *
 * A key whose value is undefined is left out, as `JSON.stringify` leaves it out.
 */
const ARRAY = -1;
const ESCAPED = -2;
/** In a shape, after a key: its value is stored as it is (a number, boolean, null or ASCII string). */
const PLAIN = 0;
/** In a shape, after a key: its value is packed (an array, or a string to unescape). */
const PACKED = 1;

const NON_ASCII = /[^\x00-\x7e]/;
const NON_ASCII_ALL = /[^\x00-\x7e]/g;
const escape = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * A step in the tree of shapes a packing has met: what follows a key, its value's kind, or an
 * object's end. An object's keys and kinds lead from the root to the node of its shape, so a shape
 * met before is found with a lookup per key, not by writing out its JSON for each object.
 */
interface ShapeNode {
  next: Map<string | number, ShapeNode>;
  /** The index of the shape that ends here, once one has. */
  index: number;
}

/** In the tree of shapes: where a nested object ends, and the shape's own end. */
const END = -1;

/** `value` as packed JSON (see above), every character of it ASCII. */
export function packJson(value: unknown): string {
  const root: ShapeNode = { next: new Map(), index: -1 };
  const shapes: string[] = [];
  /** The steps from the root to `node` (keys, kinds, ends), kept as the walk goes. */
  const steps: Array<string | number> = [];
  const step = (node: ShapeNode, token: string | number): ShapeNode => {
    steps.push(token);
    let next = node.next.get(token);
    if (!next) node.next.set(token, (next = { next: new Map(), index: -1 }));
    return next;
  };
  const packString = (s: string): unknown => (NON_ASCII.test(s) ? [ESCAPED, JSON.stringify(s).replace(NON_ASCII_ALL, escape)] : s);
  const pack = (v: unknown): unknown => {
    if (typeof v === 'string') return packString(v);
    if (typeof v !== 'object' || v === null) return v;
    if (Array.isArray(v)) {
      const out: unknown[] = [ARRAY];
      for (const item of v) out.push(pack(item));
      return out;
    }
    const out: unknown[] = [0];
    const mark = steps.length;
    const node = step(walk(v as Record<string, unknown>, root, out), END);
    if (node.index < 0) node.index = shapes.push(shapeJson(steps.slice(mark))) - 1;
    steps.length = mark;
    out[0] = node.index;
    return out;
  };
  // Follows `record`'s keys and kinds from `node`, its values going onto `out`.
  const walk = (record: Record<string, unknown>, from: ShapeNode, out: unknown[]): ShapeNode => {
    let node = from;
    for (const key in record) {
      const v = record[key];
      if (v === undefined || !Object.hasOwn(record, key)) continue;
      node = step(node, key);
      if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
        node = step(walk(v as Record<string, unknown>, step(node, OBJECT), out), END);
      } else if ((typeof v === 'object' && v !== null) || (typeof v === 'string' && NON_ASCII.test(v))) {
        node = step(node, PACKED);
        out.push(pack(v));
      } else {
        node = step(node, PLAIN);
        out.push(v);
      }
    }
    return node;
  };
  const body = JSON.stringify(pack(value));
  // Keys are rarely outside ASCII (front matter's may be): escaped as a string's characters are.
  return `[[${shapes.join(',').replace(NON_ASCII_ALL, escape)}],${body}]`;
}

/** In the tree of shapes: a value that is an object, whose keys follow. */
const OBJECT = 2;

/** A shape's JSON ([key, kind, key, kind, …], a nested object's shape as its kind) from its steps. */
function shapeJson(steps: Array<string | number>): string {
  let at = 0;
  const object = (): string => {
    const parts: string[] = [];
    while (steps[at] !== END) {
      const key = JSON.stringify(steps[at++]);
      const kind = steps[at++];
      parts.push(`${key},${kind === OBJECT ? object() : String(kind)}`);
    }
    at++;
    return `[${parts.join(',')}]`;
  };
  return object();
}

interface Builder {
  build: (packed: unknown[], unpack: (v: unknown) => unknown) => object;
  /** The length of the packed array it reads: the shape's index, then its values. */
  length: number;
}

/** Object builders by their shapes' JSON, kept across documents (they share their shapes). */
const builders = new Map<string, Builder>();
/** Far more than a model's shapes; front matter's own keys could otherwise add some per document. */
const MOST_BUILDERS = 2048;

/** A function that makes an object of `shape` from a packed object (see above). */
function builder(shape: unknown): Builder {
  const signature = JSON.stringify(shape);
  const known = builders.get(signature);
  if (known) return known;
  let length = 1;
  // An object literal of the shape. Keys are written as JSON strings (any text is a key and
  // nothing else), `__proto__` as a computed key, which makes an own property, not a prototype.
  const literal = (keys: unknown): string => {
    if (!Array.isArray(keys) || keys.length % 2 !== 0) throw new Error('not a shape');
    const fields: string[] = [];
    for (let i = 0; i < keys.length; i += 2) {
      const [key, kind] = [keys[i], keys[i + 1]];
      if (typeof key !== 'string') throw new Error('not a shape');
      const name = key === '__proto__' ? `[${JSON.stringify(key)}]` : JSON.stringify(key);
      if (kind === PLAIN) fields.push(`${name}: packed[${length++}]`);
      else if (kind === PACKED) fields.push(`${name}: unpack(packed[${length++}])`);
      else fields.push(`${name}: ${literal(kind)}`);
    }
    return `{ ${fields.join(', ')} }`;
  };
  const code = `return ${literal(shape)};`;
  const made: Builder = { build: new Function('packed', 'unpack', code) as Builder['build'], length };
  if (builders.size < MOST_BUILDERS) builders.set(signature, made);
  return made;
}

/** The value `packJson` packed into `text`; throws if `text` is not such a value. */
export function unpackJson(text: string): unknown {
  const whole: unknown = JSON.parse(text);
  if (!Array.isArray(whole) || whole.length !== 2 || !Array.isArray(whole[0])) throw new Error('not packed JSON');
  const builds = whole[0].map(builder);
  const unpack = (v: unknown): unknown => {
    if (typeof v !== 'object' || v === null) return v;
    if (!Array.isArray(v)) throw new Error('not packed JSON');
    const tag: unknown = v[0];
    if (tag === ARRAY) {
      const out = new Array<unknown>(v.length - 1);
      for (let i = 1; i < v.length; i++) out[i - 1] = unpack(v[i]);
      return out;
    }
    if (tag === ESCAPED && typeof v[1] === 'string' && v.length === 2) return JSON.parse(v[1]) as unknown;
    const made = typeof tag === 'number' ? builds[tag] : undefined;
    if (!made || v.length !== made.length) throw new Error('not packed JSON');
    return made.build(v, unpack);
  };
  return unpack(whole[1]);
}
