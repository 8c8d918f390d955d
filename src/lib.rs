//! Workspace package.
