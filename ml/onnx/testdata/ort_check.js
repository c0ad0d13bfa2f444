// Runs an ONNX model written by im2im in ONNX Runtime (npm onnxruntime-node) on
// im2im's test input and compares with im2im's test output.
// Usage: node ort_check.js MODEL.onnx INPUT.npy OUTPUT.npy TOLERANCE
// (NODE_PATH must reach onnxruntime-node). Prints the max abs difference; exit
// code 1 when it exceeds TOLERANCE or the shapes differ.
'use strict';
const fs = require('fs');
const ort = require('onnxruntime-node');

// readNpy reads a little-endian float32 C-order .npy file.
function readNpy(path) {
  const buf = fs.readFileSync(path);
  if (buf.toString('latin1', 1, 6) !== 'NUMPY') throw new Error(path + ': not an .npy file');
  const major = buf[6];
  const hlen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = (major === 1 ? 10 : 12) + hlen;
  const header = buf.toString('latin1', major === 1 ? 10 : 12, start);
  if (!header.includes("'descr': '<f4'") || header.includes("'fortran_order': True")) {
    throw new Error(path + ': want little-endian float32 in C order, header ' + header);
  }
  const dims = header.match(/'shape': \(([^)]*)\)/)[1].split(',').map(s => s.trim()).filter(s => s).map(Number);
  const n = dims.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = buf.readFloatLE(start + 4 * i);
  return { dims, data };
}

async function main() {
  const [model, inPath, outPath, tolArg] = process.argv.slice(2);
  const tol = Number(tolArg);
  const x = readNpy(inPath), want = readNpy(outPath);
  const session = await ort.InferenceSession.create(model);
  const feeds = {};
  feeds[session.inputNames[0]] = new ort.Tensor('float32', x.data, x.dims);
  const res = await session.run(feeds);
  const got = res[session.outputNames[0]];
  if (got.dims.join(',') !== want.dims.join(',')) {
    console.log(`${model}: output shape [${got.dims}], im2im's [${want.dims}]`);
    process.exit(1);
  }
  let maxDiff = 0;
  for (let i = 0; i < want.data.length; i++) maxDiff = Math.max(maxDiff, Math.abs(got.data[i] - want.data[i]));
  console.log(`${model}: onnxruntime-node ${require('onnxruntime-node/package.json').version} output [${got.dims}] max abs difference ${maxDiff.toExponential(3)} (tolerance ${tol})`);
  if (!(maxDiff <= tol)) process.exit(1);
}

main().catch(e => { console.error(e); process.exit(1); });
