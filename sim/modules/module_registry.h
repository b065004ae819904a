// Registry of Verilated single-module models for the module benches (see module_sim.cpp).
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include "verilated.h"

struct mb_port_desc {
    const char* name;
    int dir;    // 0 input, 1 output
    int width;  // bits
};

// Type-erased instance of one Verilated module with its own context.
struct mb_instance {
    virtual ~mb_instance() = default;
    virtual void set(int i, const uint32_t* w) = 0;
    virtual void get(int i, uint32_t* w) = 0;
    virtual void eval() = 0;
    const mb_port_desc* ports = nullptr;
    int nports = 0;
};

using mb_factory = std::function<mb_instance*()>;
std::map<std::string, mb_factory>& mb_factories();

template <typename T>
struct mb_typed : mb_instance {
    std::unique_ptr<VerilatedContext> ctx;
    std::unique_ptr<T> m;
    void (*setf)(T*, int, const uint32_t*);
    void (*getf)(T*, int, uint32_t*);
    mb_typed(const mb_port_desc* p, int n, void (*s)(T*, int, const uint32_t*), void (*g)(T*, int, uint32_t*))
        : ctx(new VerilatedContext), setf(s), getf(g) {
        m.reset(new T(ctx.get(), ""));
        ports = p;
        nports = n;
    }
    ~mb_typed() override { m->final(); }
    void set(int i, const uint32_t* w) override { setf(m.get(), i, w); }
    void get(int i, uint32_t* w) override { getf(m.get(), i, w); }
    void eval() override { m->eval(); }
};

template <typename T>
struct mb_registrar {
    mb_registrar(const char* name, const mb_port_desc* p, int n, void (*s)(T*, int, const uint32_t*),
                 void (*g)(T*, int, uint32_t*)) {
        mb_factories()[name] = [=]() -> mb_instance* { return new mb_typed<T>(p, n, s, g); };
    }
};
