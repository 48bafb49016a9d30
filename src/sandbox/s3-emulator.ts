/** Starts the sandbox's S3-compatible emulator in-process (see src/sandbox/s3-emulator/). */
export { startS3Emulator, type S3Emulator, type S3EmulatorOptions, type S3EmulatorTls } from './s3-emulator/index.js';
