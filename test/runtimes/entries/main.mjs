// ESM consumer (Node, Bun, Deno): the package by its name, as an app imports it.
import * as lib from 'enchanted-link';
import * as server from 'enchanted-link/server';
import { smoke } from './smoke.mjs';

const config = JSON.parse(globalThis.process?.env.SMOKE ?? globalThis.Deno.env.get('SMOKE'));
console.log(JSON.stringify(await smoke(lib, server, config)));
