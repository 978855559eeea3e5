// The mock's KV cache: block reservation for admission and a prefix cache of full prompt blocks,
// identified like TensorRT-LLM identifies them (a chain of hashes: parent hash + the block's tokens,
// plus the cache salt). Enough to produce realistic reused/missed block counts and hit rates.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <unordered_set>
#include <vector>

namespace tls::mock {

class KvPool {
public:
    KvPool(int32_t blocks, int32_t tokens_per_block, bool reuse)
        : blocks_(blocks), tokens_per_block_(tokens_per_block), reuse_(reuse) {}

    int32_t total() const noexcept { return blocks_; }
    int32_t tokens_per_block() const noexcept { return tokens_per_block_; }
    bool reuse() const noexcept { return reuse_; }
    int32_t reserved() const noexcept { return reserved_; }

    int32_t blocks_for(int64_t tokens) const noexcept {
        return static_cast<int32_t>((tokens + tokens_per_block_ - 1) / tokens_per_block_);
    }

    // Admission: reserve a request's worst case (guaranteed no evict). False when it does not fit.
    bool reserve(int32_t n) noexcept {
        if (reserved_ + n > blocks_) {
            return false;
        }
        reserved_ += n;
        return true;
    }

    void release(int32_t n) noexcept { reserved_ = reserved_ >= n ? reserved_ - n : 0; }

    // Chained hashes of the prompt's FULL blocks (a partial last block is never shared).
    std::vector<uint64_t> block_hashes(const std::vector<int32_t>& prompt, bool salted, uint64_t salt) const;

    // How many leading hashes are cached (0 when reuse is off).
    int32_t match(const std::vector<uint64_t>& hashes) const;

    // Makes the blocks reusable; the oldest are evicted beyond the pool size.
    void store(const std::vector<uint64_t>& hashes);

private:
    int32_t blocks_;
    int32_t tokens_per_block_;
    bool reuse_;
    int32_t reserved_ = 0;
    std::unordered_set<uint64_t> cached_;
    std::deque<uint64_t> order_;
};

uint64_t splitmix64(uint64_t x) noexcept;

} // namespace tls::mock
