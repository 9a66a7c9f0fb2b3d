// CommonJS consumer (Node, Bun): `require` picks the package's `require` condition (dist/index.cjs).
const lib = require('enchanted-link');
const server = require('enchanted-link/server');
const { smoke } = require('./smoke.cjs');

smoke(lib, server, JSON.parse(process.env.SMOKE)).then((result) => console.log(JSON.stringify(result)));
