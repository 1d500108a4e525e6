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
export const INTEGER = 0;
export const STRING = 1;
export const NULL = 2;
export const TRUE = 3;
export const FALSE = 4;
export const FLOAT = 7;
/** A kind: the value is tagged. */
export const TAGGED = 5;
/** In the tree of shapes: a value that is an object, whose keys follow. */
const OBJECT = 6;
/** Tags of a tagged value that is not a scalar. */
export const T_ARRAY = 5;
export const T_OBJECT = 6;

/** Whether `n` is kept as a 32-bit integer (-0 is not: it would come back as 0). */
const isInt32 = (n: number): boolean => (n | 0) === n && !Object.is(n, -0);

/** The first float of every value: a reader on a machine of the other byte order reads another. */
export const ORDER_MARK = 1.5;

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
