/**
 * @module embedded/auth/passwords
 * bcrypt at PocketBase's cost 10, through the native `bcrypt` package: it hashes
 * on libuv's thread pool, so sign-ups do not block the event loop.
 */
import bcrypt from 'bcrypt';

const cost = 10;
// A real hash to compare against when the identity is unknown, so a failed
// login takes as long whether or not the account exists.
const decoy = bcrypt.hashSync('pbpages-decoy-password', cost);

export const hashPassword = (password: string): Promise<string> => bcrypt.hash(password, cost);

export async function checkPassword(password: string, hash: string | undefined): Promise<boolean> {
  if (!hash) {
    await bcrypt.compare(password, decoy);
    return false;
  }
  return bcrypt.compare(password, hash);
}
