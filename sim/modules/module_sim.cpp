// C ABI of the module benches: any registered Verilated module, driven port by port from C#.
// Values cross as little-endian 32-bit words (word 0 = bits 31:0).
#include <cstring>
#include "module_registry.h"

std::map<std::string, mb_factory>& mb_factories() {
    static std::map<std::string, mb_factory> f;
    return f;
}

extern "C" {

void* mb_create(const char* name) {
    auto& f = mb_factories();
    auto it = f.find(name);
    return it == f.end() ? nullptr : it->second();
}

void mb_destroy(void* h) { delete static_cast<mb_instance*>(h); }

int mb_port_count(void* h) { return static_cast<mb_instance*>(h)->nports; }

// Returns the port's width in bits and writes its direction (0 in, 1 out); -1 if out of range.
int mb_port_info(void* h, int i, char* name, int cap, int* dir) {
    auto* m = static_cast<mb_instance*>(h);
    if (i < 0 || i >= m->nports) return -1;
    std::strncpy(name, m->ports[i].name, cap - 1);
    name[cap - 1] = 0;
    *dir = m->ports[i].dir;
    return m->ports[i].width;
}

void mb_set(void* h, int i, const uint32_t* words) { static_cast<mb_instance*>(h)->set(i, words); }
void mb_get(void* h, int i, uint32_t* words) { static_cast<mb_instance*>(h)->get(i, words); }
void mb_eval(void* h) { static_cast<mb_instance*>(h)->eval(); }

// Registered module names, separated by '\n'; returns the length needed.
int mb_list(char* buf, int cap) {
    std::string s;
    for (auto& kv : mb_factories()) s += kv.first + "\n";
    if (buf && cap > 0) {
        std::strncpy(buf, s.c_str(), cap - 1);
        buf[cap - 1] = 0;
    }
    return (int)s.size() + 1;
}
}
