/* bad/unknown_import: imports env.not_a_faasm_function, which is neither a
 * Faasm host function nor WASI. Expected: rejected at upload. */
__attribute__((import_module("env"), import_name("not_a_faasm_function")))
int not_a_faasm_function(int x);

int main(void) {
    return not_a_faasm_function(42);
}
