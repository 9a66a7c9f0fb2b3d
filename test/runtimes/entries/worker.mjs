// Edge consumer (workerd): bundled by esbuild with the worker conditions; `workerd test` calls test().
import * as lib from 'enchanted-link';
import * as server from 'enchanted-link/server';
import { smoke } from './smoke.mjs';

export default {
  async test(_controller, env) {
    console.log(JSON.stringify(await smoke(lib, server, JSON.parse(env.SMOKE))));
  },
};
