/* Path globs of ioctl targets and path rules: '*' and '?' stay within one
 * path component, '**' crosses them, [abc] and [a-z] are classes. */
#ifndef CB_GLOB_H
#define CB_GLOB_H

#include <stdbool.h>

/* Whether PATH matches GLOB, both absolute. */
bool cb_glob_match(const char *glob, const char *path);

#endif
