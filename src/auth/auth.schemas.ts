import { z } from 'zod';

export const username = z
  .string()
  .min(3, 'must be at least 3 characters')
  .max(32, 'must be at most 32 characters')
  .regex(/^[A-Za-z0-9_.-]+$/, 'may contain only letters, digits, "_", "." and "-"');
const password = z
  .string()
  .min(12, 'must be at least 12 characters')
  .max(256, 'must be at most 256 characters');

export const RegisterSchema = z.strictObject({
  username,
  password,
  displayName: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(64, 'must be at most 64 characters')
    .optional(),
});

/** Login accepts any string lengths so a short password fails as INVALID_CREDENTIALS, not VALIDATION. */
export const LoginSchema = z.strictObject({
  username: z.string().min(1, 'is required').max(64, 'must be at most 64 characters'),
  password: z.string().min(1, 'is required').max(256, 'must be at most 256 characters'),
});

export const ChangePasswordSchema = z.strictObject({
  currentPassword: z.string().min(1, 'is required').max(256, 'must be at most 256 characters'),
  newPassword: password,
});

export type RegisterInput = z.output<typeof RegisterSchema>;
export type LoginInput = z.output<typeof LoginSchema>;
export type ChangePasswordInput = z.output<typeof ChangePasswordSchema>;
