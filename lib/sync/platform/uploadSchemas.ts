import { z } from 'zod';

/** POST /api/drives/{driveId}/uploads: where the platform wants to write, and how big the file is. */
export const uploadSlotInput = z.strictObject({
    path: z.string().min(1).max(4096),
    size: z.int().min(0),
    contentType: z.string().min(1).max(255).optional(),
});

/** POST /api/drives/{driveId}/uploads/complete: the platform finished writing this path. */
export const uploadCompleteInput = z.strictObject({ path: z.string().min(1).max(4096) });
