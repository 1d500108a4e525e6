/**
 * Plain data (strings, numbers, booleans, null, arrays and objects) in a compact binary form, for
 * the model cache: read back with no parsing of text beyond its strings, and no objects made but
 * the ones it holds. `JSON.parse` of a model took the most of a warm audit; this takes a third of
 * that and writes in less time than `JSON.stringify`.
 *
 * The form: a line of JSON with the shapes of its objects, a line of JSON with its distinct
 * strings (characters outside ASCII escaped, so both read as Latin-1 with no decoding), a line
 * with how many floats and integers follow, spaces to a multiple of eight bytes, then the value's
 * numbers that are not 32-bit integers as 64-bit floats, then everything else as 32-bit integers,
 * both in the machine's byte order (the first float is 1.5: a file written in the other order is
 * refused). Integers are read as small integers, where a float read back is a boxed number each
 * time until the reading code is optimized. An object's shape lists its keys, each with its
 * value's kind: an integer, a float or a string (one number: itself, or the string's index),
 * null, true or false (nothing: the shape says it), any other value (tagged, see below), or an
 * object, whose own shape stands in place, so `{ text, span: { start, end } }` is three
 * integers. An object is read back by a function made once per shape, an object literal that
 * reads its numbers in order. A tagged value is an integer saying what follows: an integer, a
 * float, a string, null, true, false, an array (its length, then each element tagged) or an
 * object (its shape's index, then its values).
 *
 * A key whose value is undefined is left out, as `JSON.stringify` leaves it out.
 */

/**
 * Kinds of a key's value in a shape, and the tags of a tagged value: the same number for the same
 * scalar. A nested shape (an array) is one more kind.
 */
const INTEGER = 0;
const STRING = 1;
const NULL = 2;
const TRUE = 3;
const FALSE = 4;
const FLOAT = 7;
/** A kind: the value is tagged. */
const TAGGED = 5;
/** In the tree of shapes: a value that is an object, whose keys follow. */
const OBJECT = 6;
/** Tags of a tagged value that is not a scalar. */
const T_ARRAY = 5;
const T_OBJECT = 6;

/** Whether `n` is kept as a 32-bit integer (-0 is not: it would come back as 0). */
const isInt32 = (n: number): boolean => (n | 0) === n && !Object.is(n, -0);

/** The first float of every value: a reader on a machine of the other byte order reads another. */
const ORDER_MARK = 1.5;

const NON_ASCII_ALL = /[^\x00-\x7e]/g;
const escape = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
/** JSON in ASCII alone. */
const asciiJson = (value: unknown): string => JSON.stringify(value).replace(NON_ASCII_ALL, escape);

/**
 * A step in the tree of shapes a packing has met: what follows a key, its value's kind, or an
 * object's end. An object's keys and kinds lead from the root to the node of its shape, so a shape
 * met before is found with a lookup per key, not by writing it out for each object.
 */
interface ShapeNode {
  next: Map<string | number, ShapeNode>;
  /** The index of the shape that ends here, once one has. */
  index: number;
}

/** In the tree of shapes: where an object ends. */
const END = -1;

/**
 * Whether `v` is an object JSON would write as its keys: not a date, a set or a byte array (YAML
 * 1.1 front matter can hold those), which are refused rather than read back as something else.
 */
function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const prototype: unknown = Object.getPrototypeOf(v);
  if (prototype !== Object.prototype && prototype !== null) throw new Error('not plain data: an object of a class');
  return true;
}

/**
 * One packing's state. Its steps are methods, not closures made per call: V8 optimizes a closure
 * made anew for each document anew too, and compiling the same walk a dozen times took more time
 * than the packing it sped up (on a core the audit's second thread needs).
 */
class Packer {
  readonly root: ShapeNode = { next: new Map(), index: -1 };
  readonly shapes: string[] = [];
  readonly steps: Array<string | number> = [];
  readonly strings = new Map<string, number>();
  readonly floats: number[] = [ORDER_MARK];
  readonly ints: number[] = [];

  step(node: ShapeNode, token: string | number): ShapeNode {
    this.steps.push(token);
    let next = node.next.get(token);
    if (!next) node.next.set(token, (next = { next: new Map(), index: -1 }));
    return next;
  }

  stringIndex(s: string): number {
    let index = this.strings.get(s);
    if (index === undefined) this.strings.set(s, (index = this.strings.size));
    return index;
  }

  /**
   * A scalar's number (itself, or its string's index) goes onto the numbers; its kind (and tag)
   * comes back, or -1 for an array or an object.
   */
  scalar(v: unknown): number {
    if (typeof v === 'number' && isInt32(v)) {
      this.ints.push(v);
      return INTEGER;
    }
    if (typeof v === 'number') {
      this.floats.push(v);
      return FLOAT;
    }
    if (typeof v === 'string') {
      this.ints.push(this.stringIndex(v));
      return STRING;
    }
    if (v === null) return NULL;
    if (v === true) return TRUE;
    if (v === false) return FALSE;
    return -1;
  }

  tagged(v: unknown): void {
    const ints = this.ints;
    const at = ints.push(0) - 1;
    const kind = this.scalar(v);
    if (kind >= 0) ints[at] = kind;
    else if (Array.isArray(v)) {
      ints[at] = T_ARRAY;
      ints.push(v.length);
      // A hole or undefined in an array is null in JSON.
      for (const item of v as unknown[]) this.tagged(item === undefined ? null : item);
    } else if (isPlainObject(v)) {
      ints[at] = T_OBJECT;
      const shapeAt = ints.push(0) - 1;
      const mark = this.steps.length;
      const node = this.step(this.walk(v, this.root), END);
      if (node.index < 0) node.index = this.shapes.push(shapeJson(this.steps.slice(mark))) - 1;
      this.steps.length = mark;
      ints[shapeAt] = node.index;
    } else throw new Error(`not plain data: ${typeof v}`);
  }

  /** Follows `record`'s keys and kinds from `from`, its values going onto the numbers. */
  walk(record: Record<string, unknown>, from: ShapeNode): ShapeNode {
    let node = from;
    for (const key in record) {
      const v = record[key];
      if (v === undefined || !Object.hasOwn(record, key)) continue;
      node = this.step(node, key);
      // The kind is known only once the scalar is on the numbers: a float goes elsewhere.
      const kind = this.scalar(v);
      if (kind >= 0) node = this.step(node, kind);
      else if (isPlainObject(v)) node = this.step(this.walk(v, this.step(node, OBJECT)), END);
      else {
        node = this.step(node, TAGGED);
        this.tagged(v);
      }
    }
    return node;
  }
}

/** `value` packed (see above), after `prefix` (ASCII), as the bytes of a file. */
export function packValue(value: unknown, prefix = ''): Buffer {
  const packer = new Packer();
  packer.tagged(value);
  const { shapes, strings, floats, ints } = packer;
  let head = `${prefix}[${shapes.join(',').replace(NON_ASCII_ALL, escape)}]\n${asciiJson([...strings.keys()])}\n${floats.length} ${ints.length}\n`;
  head += ' '.repeat((8 - (head.length % 8)) % 8);
  const [f64, i32] = [new Float64Array(floats), new Int32Array(ints)];
  return Buffer.concat([Buffer.from(head, 'latin1'), Buffer.from(f64.buffer), Buffer.from(i32.buffer)]);
}

/**
 * A shape's JSON ([key, kind, key, kind, …], a nested object's shape as its kind) from its steps,
 * those of one object from `from.at` on (a module function, not a closure: see `Packer`).
 */
function shapeJson(steps: Array<string | number>, from = { at: 0 }): string {
  const parts: string[] = [];
  while (steps[from.at] !== END) {
    const key = JSON.stringify(steps[from.at++]);
    const kind = steps[from.at++];
    parts.push(`${key},${kind === OBJECT ? shapeJson(steps, from) : String(kind)}`);
  }
  from.at++;
  return `[${parts.join(',')}]`;
}

type Build = (reader: Reader) => object;

/** Object builders by their shapes' JSON, kept across documents (they share their shapes). */
const builders = new Map<string, Build>();
/** Far more than a model's shapes; front matter's own keys could otherwise add some per document. */
const MOST_BUILDERS = 2048;

/** A function that makes an object of `shape`, reading its values at the cursor. */
function builder(shape: unknown): Build {
  const signature = JSON.stringify(shape);
  const known = builders.get(signature);
  if (known) return known;
  // An object literal of the shape; its values are read in the order they were written, as an
  // object literal's are evaluated. Keys are written as JSON strings (any text is a key and
  // nothing else), `__proto__` as a computed key, which makes an own property, not a prototype.
  const literal = (keys: unknown): string => {
    if (!Array.isArray(keys) || keys.length % 2 !== 0) throw new Error('not a shape');
    const fields: string[] = [];
    for (let i = 0; i < keys.length; i += 2) {
      const [key, kind] = [keys[i], keys[i + 1]];
      if (typeof key !== 'string') throw new Error('not a shape');
      const name = key === '__proto__' ? `[${JSON.stringify(key)}]` : JSON.stringify(key);
      const read = ['r.ints[r.i++]', 'r.strings[r.ints[r.i++]]', 'null', 'true', 'false', 'r.tagged()', undefined, 'r.floats[r.f++]'][kind as number];
      fields.push(`${name}: ${Array.isArray(kind) ? literal(kind) : (read ?? fail())}`);
    }
    return `{ ${fields.join(', ')} }`;
  };
  const build = new Function('r', `return ${literal(shape)};`) as Build;
  if (builders.size < MOST_BUILDERS) builders.set(signature, build);
  return build;
}

/** The builders of each shapes line met so far, by the line's text. */
const buildsByLine = new Map<string, Build[]>();
/** At most this many shapes lines are kept: a value whose line is not kept is only read more slowly. */
const MOST_SHAPE_LINES = 256;

/**
 * The builders of a value's shapes, from the line that lists them. The documents of one template
 * have the same shapes, listed the same way, so most values find theirs with one lookup instead
 * of one per shape.
 */
function buildsOf(line: string): Build[] {
  let builds = buildsByLine.get(line);
  if (builds) return builds;
  const shapes: unknown = JSON.parse(line);
  if (!Array.isArray(shapes)) fail();
  builds = (shapes as unknown[]).map(builder);
  if (buildsByLine.size < MOST_SHAPE_LINES) buildsByLine.set(line, builds);
  return builds;
}

const fail = (): never => {
  throw new Error('not a packed value');
};

/** The value `packValue` packed into `bytes` from `from` on; throws if they are not such a value. */
export function unpackValue(bytes: Buffer, from = 0): unknown {
  const shapesEnd = bytes.indexOf(10, from);
  const stringsEnd = shapesEnd < 0 ? -1 : bytes.indexOf(10, shapesEnd + 1);
  const countsEnd = stringsEnd < 0 ? -1 : bytes.indexOf(10, stringsEnd + 1);
  if (countsEnd < 0) fail();
  const builds = buildsOf(bytes.toString('latin1', from, shapesEnd));
  const strings: unknown = JSON.parse(bytes.toString('latin1', shapesEnd + 1, stringsEnd));
  const [floatCount, intCount] = bytes.toString('latin1', stringsEnd + 1, countsEnd).split(' ').map(Number);
  if (!Array.isArray(strings) || !Number.isInteger(floatCount) || !Number.isInteger(intCount)) fail();
  // The numbers start at the next multiple of eight bytes from the start of `bytes` (the file's).
  const start = countsEnd + 1 + ((8 - ((countsEnd + 1) % 8)) % 8);
  if (floatCount! < 1 || intCount! < 1 || bytes.length !== start + 8 * floatCount! + 4 * intCount!) fail();
  // Views where the numbers are aligned, else a copy.
  const at = bytes.byteOffset + start;
  const buffer = at % 8 === 0 ? bytes.buffer : bytes.buffer.slice(at, at + bytes.length - start);
  const offset = at % 8 === 0 ? at : 0;
  const floats = new Float64Array(buffer, offset, floatCount);
  const ints = new Int32Array(buffer, offset + 8 * floatCount!, intCount);
  if (floats[0] !== ORDER_MARK) fail();
  const reader = new Reader(ints, floats, strings as string[], builds);
  const value = reader.tagged();
  // Every number read, none past the end: a file cut short or run on is refused.
  if (reader.i !== intCount || reader.f !== floatCount) fail();
  return value;
}

/**
 * One reading: the numbers and strings, and where it is in the integers (`i`) and the floats
 * (`f`). A class, as `Packer` is, for the same reason; the objects' builders read through it.
 */
class Reader {
  i = 0;
  f = 1;
  constructor(
    readonly ints: Int32Array,
    readonly floats: Float64Array,
    readonly strings: string[],
    readonly builds: Build[],
  ) {}

  tagged(): unknown {
    const ints = this.ints;
    switch (ints[this.i++]) {
      case INTEGER:
        return ints[this.i++];
      case FLOAT:
        return this.floats[this.f++];
      case STRING:
        return this.strings[ints[this.i++]!] ?? fail();
      case NULL:
        return null;
      case TRUE:
        return true;
      case FALSE:
        return false;
      case T_ARRAY: {
        const length = ints[this.i++]!;
        if (!(length >= 0 && length <= ints.length - this.i)) fail();
        const out = new Array<unknown>(length);
        for (let k = 0; k < length; k++) out[k] = this.tagged();
        return out;
      }
      case T_OBJECT:
        return (this.builds[ints[this.i++]!] ?? fail())(this);
      default:
        return fail();
    }
  }
}
