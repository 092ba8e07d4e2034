// The allocator's settings for a serving process. Request threads allocate what the audit
// writer, the committer and the log free; with glibc's defaults each thread's arena gives its
// freed top back to the system as soon as it passes 128 KiB and asks for it again on the next
// burst (grow_heap, mprotect, a page fault per page): 3–4% of a server's time under load. A
// serving process keeps up to kTrimThreshold free instead, and grows by kTopPad at once. Fixing
// the trim threshold turns off glibc's adaptive mmap threshold, which would leave every block
// over 128 KiB (an audit batch, a large answer) to its own mmap and munmap: blocks up to
// kMmapThreshold come from the arenas.
#pragma once

#include <cstddef>

namespace gatehouse::app {

inline constexpr size_t kTrimThreshold = 128u << 20;
inline constexpr size_t kTopPad = 16u << 20;
inline constexpr size_t kMmapThreshold = 16u << 20;

// Applies the settings above; call once, before the server's threads start.
void TuneAllocatorForServing();

}  // namespace gatehouse::app
