import fs from 'node:fs';
import path from 'node:path';
import { printAppSchema } from '../schema';

/** `npm run schema`: writes schema/schema.graphql from the code. */
printAppSchema()
  .then((sdl) => {
    const file = path.resolve(__dirname, '../../../schema/schema.graphql');
    fs.writeFileSync(file, sdl);
    process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
  })
  .catch((err) => {
    process.stderr.write(String(err?.stack ?? err) + '\n');
    process.exit(1);
  });
