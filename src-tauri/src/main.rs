// No console window behind the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    // Before anything holds a secret: a crash must not write one to disk.
    let core_dumps = desk_core::process_guard::forbid_core_dumps();
    desk_core::heap::return_large_blocks_when_freed();
    #[cfg(target_os = "linux")]
    {
        use desk_core::rendering::{DISABLE_COMPOSITING, compositing_should_be_off};
        let user_choice = std::env::var_os(DISABLE_COMPOSITING);
        if compositing_should_be_off(user_choice.as_deref(), std::path::Path::new("/dev/dri")) {
            // SAFETY: the first thing the process does, before any other thread
            // exists that could read the environment at the same time.
            unsafe { std::env::set_var(DISABLE_COMPOSITING, "1") };
        }
    }
    token_desk_lib::run(core_dumps);
}
