#include "mock_kv.h"

namespace tls::mock {

uint64_t splitmix64(uint64_t x) noexcept {
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

std::vector<uint64_t> KvPool::block_hashes(const std::vector<int32_t>& prompt, bool salted, uint64_t salt) const {
    std::vector<uint64_t> out;
    size_t full = prompt.size() / static_cast<size_t>(tokens_per_block_);
    out.reserve(full);
    uint64_t parent = salted ? splitmix64(salt ^ 0x5A17ull) : 0x1234ull;
    for (size_t b = 0; b < full; b++) {
        uint64_t h = parent;
        for (int32_t i = 0; i < tokens_per_block_; i++) {
            h = splitmix64(h ^ static_cast<uint32_t>(prompt[b * tokens_per_block_ + i]));
        }
        out.push_back(h);
        parent = h;
    }
    return out;
}

int32_t KvPool::match(const std::vector<uint64_t>& hashes) const {
    if (!reuse_) {
        return 0;
    }
    int32_t n = 0;
    for (uint64_t h : hashes) {
        if (cached_.count(h) == 0) {
            break;
        }
        n++;
    }
    return n;
}

void KvPool::store(const std::vector<uint64_t>& hashes) {
    if (!reuse_) {
        return;
    }
    for (uint64_t h : hashes) {
        if (cached_.insert(h).second) {
            order_.push_back(h);
        }
    }
    while (order_.size() > static_cast<size_t>(blocks_)) {
        cached_.erase(order_.front());
        order_.pop_front();
    }
}

} // namespace tls::mock
