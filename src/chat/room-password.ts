// Room passwords are stored only as argon2id hashes; verification is constant-time in the library.
import { hash, verify } from '@node-rs/argon2';

export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

export async function passwordMatches(stored: string, attempt: string): Promise<boolean> {
  try {
    return await verify(stored, attempt);
  } catch {
    return false;
  }
}
