/** The adapter's version, reported on /version and in the User-Agent. */
export const VERSION = '0.1.0';
