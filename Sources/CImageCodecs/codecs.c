// Placeholder so the target compiles; replaced by the C shim.
#include "codecs.h"
