// include_dir embeds these folders; tell cargo to rebuild when any file in
// them is added, removed or changed.
fn main() {
    println!("cargo:rerun-if-changed=toolkit-content");
    println!("cargo:rerun-if-changed=templates");
}
