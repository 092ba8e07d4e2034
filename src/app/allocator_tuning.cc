#include "app/allocator_tuning.h"

#include <malloc.h>

namespace gatehouse::app {

void TuneAllocatorForServing() {
  mallopt(M_TRIM_THRESHOLD, static_cast<int>(kTrimThreshold));
  mallopt(M_TOP_PAD, static_cast<int>(kTopPad));
  mallopt(M_MMAP_THRESHOLD, static_cast<int>(kMmapThreshold));
}

}  // namespace gatehouse::app
