//! Firmware program `check`: runs [`constnet_firmware::checks::all`] (see
//! the crate documentation for how its report is compared with the host's).
#![cfg_attr(target_os = "none", no_std, no_main)]

constnet_firmware::program!(constnet_firmware::checks::all);
