// Runs an ONNX model in ONNX Runtime (npm onnxruntime-node) on a float32 .npy
// input and writes its first output as a float32 .npy file, so that the caller
// can apply a bioimage.io package's postprocessing and compare with the
// package's test output.
// Usage: node ort_run.js MODEL.onnx INPUT.npy OUTPUT.npy (NODE_PATH must reach
// onnxruntime-node).
'use strict';
const fs = require('fs');
const ort = require('onnxruntime-node');

function readNpy(path) {
  const buf = fs.readFileSync(path);
  if (buf.toString('latin1', 1, 6) !== 'NUMPY') throw new Error(path + ': not an .npy file');
  const v1 = buf[6] === 1;
  const hlen = v1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = (v1 ? 10 : 12) + hlen;
  const header = buf.toString('latin1', v1 ? 10 : 12, start);
  if (!header.includes("'descr': '<f4'") || header.includes("'fortran_order': True")) {
    throw new Error(path + ': want little-endian float32 in C order, header ' + header);
  }
  const dims = header.match(/'shape': \(([^)]*)\)/)[1].split(',').map(s => s.trim()).filter(s => s).map(Number);
  const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = buf.readFloatLE(start + 4 * i);
  return { dims, data };
}

function writeNpy(path, dims, data) {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${dims.join(', ')}${dims.length === 1 ? ',' : ''}), }`;
  header += ' '.repeat((64 - (10 + header.length + 1) % 64) % 64) + '\n';
  const buf = Buffer.alloc(10 + header.length + 4 * data.length);
  buf.write('\x93NUMPY', 0, 'latin1');
  buf[6] = 1;
  buf[7] = 0;
  buf.writeUInt16LE(header.length, 8);
  buf.write(header, 10, 'latin1');
  for (let i = 0; i < data.length; i++) buf.writeFloatLE(data[i], 10 + header.length + 4 * i);
  fs.writeFileSync(path, buf);
}

async function main() {
  const [model, inPath, outPath] = process.argv.slice(2);
  const x = readNpy(inPath);
  const session = await ort.InferenceSession.create(model);
  const feeds = {};
  feeds[session.inputNames[0]] = new ort.Tensor('float32', x.data, x.dims);
  const res = await session.run(feeds);
  const got = res[session.outputNames[0]];
  writeNpy(outPath, got.dims, got.data);
  console.log(`${model}: onnxruntime-node ${require('onnxruntime-node/package.json').version} output [${got.dims}]`);
}

main().catch(e => { console.error(e); process.exit(1); });
