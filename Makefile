# extnfs build. Targets:
#   make check        = sh scripts/check.sh: install missing packages, then
#                     everything CI runs (suite, suite under ASan+UBSan,
#                     portable build)
#   make              build ./extnfs (Linux fast paths, libnfs when present)
#   make test         build and run every test (unit, fuzz corpora, t/*.sh)
#   make asan         the whole suite under AddressSanitizer + UBSan
#   make portable     build without Linux-only paths and without libnfs
#   make fuzz         libFuzzer binaries (clang) in build-fuzz/
#   make demo         = sh scripts/demo.sh: the demo on the embedded defaults
# Objects go to $(BUILD)/ so the variants never mix.

CC      ?= cc
BUILD   ?= build
PORTABLE ?= 0
WERROR  ?= -Werror
OPT     ?= -O2 -g
SAN     ?=

PKGS    := sqlite3 jansson libpcre2-8 inih libxxhash
CPPFLAGS += -I. -DEXTNFS_BUILD
CFLAGS  ?=
CFLAGS  += -std=c17 $(OPT) -Wall -Wextra $(WERROR) -Wno-unused-parameter \
           -Wshadow -Wstrict-prototypes -Wmissing-prototypes $(SAN)
LDFLAGS += $(SAN)

ifeq ($(PORTABLE),1)
CPPFLAGS += -DEXTNFS_PORTABLE -D_XOPEN_SOURCE=700
else
CPPFLAGS += -D_GNU_SOURCE
endif

LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lsqlite3 -ljansson -lpcre2-8 -linih -lxxhash) -pthread

# libnfs (the nfs:// backend and the probe) unless portable: the SNs run AIX.
ifneq ($(PORTABLE),1)
CPPFLAGS += -DHAVE_LIBNFS=1
LIBS += $(shell pkg-config --libs libnfs 2>/dev/null || echo -lnfs)
endif

SRC_DIRS := util formats model plan sync exports redirect check remote cmd
LIB_SRC  := $(foreach d,$(SRC_DIRS),$(wildcard $(d)/*.c))
LIB_OBJ  := $(patsubst %.c,$(BUILD)/%.o,$(LIB_SRC))
MAIN_OBJ := $(BUILD)/main.o
UNIT_SRC := $(wildcard t/unit/test-*.c)
UNIT_BIN := $(patsubst t/unit/%.c,$(BUILD)/t/%,$(UNIT_SRC))
FUZZ_SRC := $(wildcard fuzz/fuzz-*.c)
REPLAY_BIN := $(patsubst fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRC))
HELPER_SRC := $(wildcard t/helper/*.c)
HELPER_BIN := $(patsubst t/helper/%.c,$(BUILD)/t/helper/%,$(HELPER_SRC))

.PHONY: all deps check test unit asan portable fuzz demo clean check-format

all: extnfs

ifeq ($(BUILD),build)
extnfs: $(BUILD)/extnfs
	cp $< $@
else
extnfs: $(BUILD)/extnfs
endif

$(BUILD)/extnfs: $(MAIN_OBJ) $(BUILD)/libextnfs.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/libextnfs.a: $(LIB_OBJ)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/%.o: %.c $(wildcard */*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -c -o $@ $<

$(BUILD)/t/%: t/unit/%.c $(BUILD)/libextnfs.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -Wno-missing-prototypes -o $@ $< $(BUILD)/libextnfs.a $(LIBS) -lcmocka $(LDFLAGS)

# The replay driver runs a fuzz target over its corpus with any compiler.
$(BUILD)/fuzz/%: fuzz/%.c fuzz/replay.c $(BUILD)/libextnfs.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -Wno-missing-prototypes -o $@ $< fuzz/replay.c $(BUILD)/libextnfs.a $(LIBS) $(LDFLAGS)

# Test helpers (t/helper/*.c): standalone programs the shell tests call.
$(BUILD)/t/helper/%: t/helper/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(LDFLAGS) $(if $(filter nfs-%,$*),$(LIBS))

test-bins: $(BUILD)/extnfs $(UNIT_BIN) $(REPLAY_BIN) $(HELPER_BIN)
	@true

test: test-bins
	EXTNFS_BUILD_DIR=$(BUILD) sh t/run-tests.sh

asan:
	$(MAKE) BUILD=build-asan OPT='-O1 -g' SAN='-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all' test

portable:
	$(MAKE) BUILD=build-portable PORTABLE=1 $(if $(PORTABLE_CC),CC=$(PORTABLE_CC)) build-portable/extnfs \
	  $(patsubst t/helper/%.c,build-portable/t/helper/%,$(HELPER_SRC))

fuzz:
	$(MAKE) BUILD=build-fuzz CC=clang OPT='-O1 -g' SAN='-fsanitize=address,undefined,fuzzer-no-link' build-fuzz/libextnfs.a
	@for f in $(FUZZ_SRC); do n=$$(basename $$f .c); \
	  echo "  FUZZ $$n"; clang $(CPPFLAGS) -O1 -g -fsanitize=address,undefined,fuzzer -o build-fuzz/$$n $$f build-fuzz/libextnfs.a $(LIBS) || exit 1; done

deps:
	sh scripts/install-deps.sh

check:
	sh scripts/check.sh

demo:
	sh scripts/demo.sh

check-format:
	clang-format --dry-run --Werror $(LIB_SRC) main.c

clean:
	rm -rf build build-asan build-portable build-fuzz extnfs

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
