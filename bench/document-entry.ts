export * from '../src/document/source.js';
