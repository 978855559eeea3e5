// Prints the tensor types llama.cpp's llama_model_quantize picks for a GGUF file, without quantizing
// (dry run): "types FILE LABEL QUANT FTYPE [pure]". Output, one line per tensor role:
//   LABEL QUANT NAME TYPE[*COUNT],...
// where NAME is "blk.attn_v.weight" for the per-layer tensors (types run-length encoded over layers
// 0..n-1) and the full name otherwise. Only quantizable (2-D) tensors are listed.
#include "llama.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_T 4096
static char names[MAX_T][64], types[MAX_T][16];
static int n_t = 0;
static char line[4096];
static size_t line_len = 0;

static void on_line(const char *l) {
    // "[  12/ 290] blk.1.attn_v.weight - [  960,   320,     1,     1], type =   f32, size = ... (q5_0)"
    if (l[0] != '[') return;
    char name[64], cur[16];
    const char *p = strchr(l, ']');
    if (!p || sscanf(p + 1, " %63s", name) != 1) return;
    const char *t = strstr(l, "type =");
    if (!t || sscanf(t + 6, " %15[^,]", cur) != 1) return;
    const char *paren = strrchr(l, '(');
    const char *shape = strchr(p + 1, '[');
    int ne1 = 0;
    sscanf(shape, "[%*d, %d", &ne1);
    if (ne1 <= 1) return; // 1-D: never quantized
    if (paren) sscanf(paren + 1, "%15[^)]", cur);
    for (char *c = cur; *c; c++) if (*c >= 'a' && *c <= 'z') *c -= 32;
    strcpy(names[n_t], name); strcpy(types[n_t], cur); n_t++;
}

static void logcb(enum ggml_log_level level, const char *text, void *ud) {
    (void) level; (void) ud;
    for (const char *c = text; *c; c++) {
        if (*c == '\n') { line[line_len] = 0; on_line(line); line_len = 0; }
        else if (line_len < sizeof line - 1) line[line_len++] = *c;
    }
}

static int layer_of(const char *name, char *role) {
    int layer; char rest[64];
    if (sscanf(name, "blk.%d.%63s", &layer, rest) == 2) { sprintf(role, "blk.%s", rest); return layer; }
    strcpy(role, name);
    return -1;
}

int main(int argc, char **argv) {
    if (argc < 5) { fprintf(stderr, "usage: types FILE LABEL QUANT FTYPE [pure]\n"); return 2; }
    llama_log_set(logcb, NULL);
    llama_backend_init();
    struct llama_model_quantize_params p = llama_model_quantize_default_params();
    p.ftype = (enum llama_ftype) atoi(argv[4]);
    p.pure = argc > 5 && strcmp(argv[5], "pure") == 0;
    p.dry_run = true;
    p.allow_requantize = true;
    if (llama_model_quantize(argv[1], "/dev/null", &p) != 0) { fprintf(stderr, "quantize failed\n"); return 1; }
    // group per role, in first-seen order; layers appear in order (llama.cpp sorts tensors by layer)
    char done[MAX_T] = {0};
    for (int i = 0; i < n_t; i++) {
        if (done[i]) continue;
        char role[64], r2[64];
        if (layer_of(names[i], role) < 0) { printf("%s %s %s %s\n", argv[2], argv[3], role, types[i]); continue; }
        printf("%s %s %s ", argv[2], argv[3], role);
        const char *prev = NULL; int run = 0, first = 1;
        for (int j = i; j < n_t; j++) {
            if (layer_of(names[j], r2) < 0 || strcmp(r2, role)) continue;
            done[j] = 1;
            if (prev && strcmp(prev, types[j]) == 0) { run++; continue; }
            if (prev) { printf(first ? "%s" : ",%s", prev); if (run > 1) printf("*%d", run); first = 0; }
            prev = types[j]; run = 1;
        }
        printf(first ? "%s" : ",%s", prev); if (run > 1) printf("*%d", run);
        printf("\n");
    }
    return 0;
}
