#include <cblas.h>
/* OpenBLAS run-time thread control (declared in OpenBLAS's cblas.h). */
